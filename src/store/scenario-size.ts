// How big a scenario is, for keeping the smallest example of a finding: CPUs, then ranges, then steps, then text.
import { scenarioToText } from "../scenario/codec";
import type { Scenario } from "../scenario/types";

export function scenarioSize(s: Scenario): number[] {
  return [
    s.host.cpus.length,
    s.memory.length,
    s.steps.length,
    scenarioToText({ ...s, note: undefined, expect: undefined }).length,
  ];
}

/** Negative when `a` is smaller than `b`. */
export function compareSize(a: Scenario, b: Scenario): number {
  const sa = scenarioSize(a);
  const sb = scenarioSize(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
  return 0;
}
