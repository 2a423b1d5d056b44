// A scenario's regression expectation: the signatures each port variant gives against the reference today.
import { runPair } from "../diff/run-pair";
import { implementation, REFERENCE } from "../impls";
import { variantNames } from "../port/variants";
import type { Scenario } from "../scenario/types";

/** Sorted, de-duplicated signatures of `impl` against the reference on `scenario` ([] = the two agree). */
export function signaturesOf(scenario: Scenario, impl: string, against = REFERENCE): string[] {
  const { findings } = runPair(scenario, implementation(impl), implementation(against));
  return [...new Set(findings.map((f) => f.signature))].sort();
}

/** Every port variant's signatures against the reference, keyed by variant name. */
export function expectationsOf(scenario: Scenario): Record<string, string[]> {
  return Object.fromEntries(variantNames().map((name) => [name, signaturesOf(scenario, name)]));
}
