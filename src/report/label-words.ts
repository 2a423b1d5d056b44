// The three triage labels of a finding in words, the same in every report.
import type { Basis } from "../../reference/basis";
import type { Reach } from "../diff/reach";

export interface Labelled {
  reach: Reach;
  introduced: boolean | null;
  basis: Basis;
  policyRules: readonly string[];
}

export function reachWords(f: Labelled): string {
  return f.reach.kind === "real-cpu" ? `real-cpu (${f.reach.realProfiles.join(", ")})` : "exotic-cpuid";
}

export function introducedWords(f: Labelled): string {
  return f.introduced === null ? "no baseline" : f.introduced ? "introduced" : "inherited";
}

export function basisWords(f: Labelled): string {
  return f.basis === "spec" ? "spec" : `policy (${f.policyRules.join(", ")})`;
}

/** "real-cpu (zen2-rome) · introduced · spec" */
export function labelLine(f: Labelled): string {
  return `${reachWords(f)} · ${introducedWords(f)} · ${basisWords(f)}`;
}
