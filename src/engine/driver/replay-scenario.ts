// Replaying one scenario or finding file: A and B on it, its findings labelled (reach, introduced), triage first.
import type { Outcome } from "../../cpu/events";
import { compareTriage, labelFindings, type LabelledFinding } from "../../diff/labels";
import { runPair } from "../../diff/run-pair";
import { baselineImplementation, baselineName, DEFAULT_IMPL, defaultAgainst, implementation } from "../../impls";
import type { Scenario } from "../../scenario/types";
import type { FindingFile } from "../../store/finding-file";

export interface ReplayOptions {
  /** A null implementation is the finding file's, else posted against the reference. */
  readonly impl: string | null;
  readonly against: string | null;
  /** null: pre-patch for a patch variant, none for pre-patch itself and the reference. */
  readonly baseline: string | null;
}

export interface Replay {
  impl: string;
  against: string;
  baseline: string | null;
  a: Outcome | null;
  b: Outcome | null;
  findings: LabelledFinding[];
}

export function replayScenario(scenario: Scenario, recorded: FindingFile | null, o: ReplayOptions): Replay {
  const implA = implementation(o.impl ?? recorded?.impl ?? DEFAULT_IMPL);
  const implB = implementation(o.against ?? recorded?.against ?? defaultAgainst(implA.name));
  const baseline = baselineImplementation(baselineName(o.baseline ?? undefined, implA.name));
  const { a, b, findings: raw } = runPair(scenario, implA, implB);
  const findings = labelFindings(scenario, raw, implA, implB, baseline).sort(compareTriage);
  return { impl: implA.name, against: implB.name, baseline: baseline?.name ?? null, a, b, findings };
}
