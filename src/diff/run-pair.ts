// Runs one scenario through two implementations on the same simulated machine and diffs the outcomes.
import type { Outcome } from "../cpu/events";
import type { HypervisorFactory } from "../cpu/hypervisor";
import { runScenario } from "../cpu/vcpu";
import type { Scenario } from "../scenario/types";
import { diffOutcomes, implementationError } from "./diff";
import type { Finding, Side } from "./finding";

export interface Implementation {
  name: string;
  factory: HypervisorFactory;
}

export interface PairResult {
  a: Outcome | null;
  b: Outcome | null;
  findings: Finding[];
}

function runSide(
  scenario: Scenario,
  impl: Implementation,
  side: Side,
): { outcome: Outcome | null; error: Finding | null } {
  try {
    return { outcome: runScenario(scenario, impl.factory), error: null };
  } catch (e) {
    return { outcome: null, error: implementationError(scenario, side, impl.name, e) };
  }
}

export function runPair(scenario: Scenario, implA: Implementation, implB: Implementation): PairResult {
  const a = runSide(scenario, implA, "A");
  const b = runSide(scenario, implB, "B");
  if (a.outcome !== null && b.outcome !== null)
    return { a: a.outcome, b: b.outcome, findings: diffOutcomes(scenario, a.outcome, b.outcome) };
  const errors = [a.error, b.error].filter((f): f is Finding => f !== null);
  return { a: a.outcome, b: b.outcome, findings: errors };
}
