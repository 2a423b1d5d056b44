// The three facts a reviewer needs about every finding: whether a real CPU reaches it, whether the patch introduced
// it, and whether the reference's side of it follows from the specs or from a policy (the last comes with the diff).
import { severityRank } from "./classes";
import type { Finding } from "./finding";
import { introducedOf } from "./introduced";
import { reachOf, type Reach } from "./reach";
import type { Implementation } from "./run-pair";
import type { Scenario } from "../scenario/types";

export interface Labels {
  reach: Reach;
  introduced: boolean | null;
}

export type LabelledFinding = Finding & Labels;

/** The findings of one scenario with their reach and introduced labels. */
export function labelFindings(
  scenario: Scenario,
  findings: readonly Finding[],
  implA: Implementation,
  implB: Implementation,
  baseline: Implementation | null,
): LabelledFinding[] {
  if (findings.length === 0) return [];
  const signatures = findings.map((f) => f.signature);
  const reach = reachOf(scenario, signatures, implA, implB);
  const introduced = introducedOf(scenario, signatures, baseline, implB);
  return findings.map((f) => ({ ...f, reach: reach.get(f.signature)!, introduced: introduced.get(f.signature)! }));
}

/** Report order: real before exotic, introduced before inherited (unknown last), spec before policy. */
export function triageRank(f: Labels & Pick<Finding, "basis">): number[] {
  const introduced = f.introduced === true ? 0 : f.introduced === false ? 1 : 2;
  return [f.reach.kind === "real-cpu" ? 0 : 1, introduced, f.basis === "spec" ? 0 : 1];
}

/** Report order: the triage rank, then severity (worst first), then signature. */
export function compareTriage(
  a: Labels & Pick<Finding, "basis" | "severity" | "signature">,
  b: Labels & Pick<Finding, "basis" | "severity" | "signature">,
): number {
  const ra = [...triageRank(a), severityRank(a.severity)];
  const rb = [...triageRank(b), severityRank(b.severity)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0;
}
