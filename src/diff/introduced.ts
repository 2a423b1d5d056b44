// Introduced or inherited: the baseline (the tree before the patch) runs the same scenario against the same
// reference; a root cause it shows too is inherited, one it does not show is the patch's own.
import type { Scenario } from "../scenario/types";
import { runPair, type Implementation } from "./run-pair";

/** For each signature: true when the baseline does not show it, false when it does, null without a baseline. */
export function introducedOf(
  scenario: Scenario,
  signatures: readonly string[],
  baseline: Implementation | null,
  implB: Implementation,
): Map<string, boolean | null> {
  if (baseline === null) return new Map(signatures.map((s) => [s, null]));
  const shown = new Set(runPair(scenario, baseline, implB).findings.map((f) => f.signature));
  return new Map(signatures.map((s) => [s, !shown.has(s)]));
}
