// Sequences that matter come early: each is in the first 10,000 scenarios of a random campaign (seed 1).
import { describe, expect, it } from "vitest";
import { SEQUENCES } from "../../src/scenario/space";
import { createSampler } from "../../src/scenario/sampler";
import type { Scenario, Step } from "../../src/scenario/types";
import { aimHolds, type Sequence } from "../support/sequence-aims";

const page = (gpa: bigint) => gpa & ~0xfffn;

/** Whether `steps` hold the sequence from some index on: the ops in order, each at the GPA its aim asks for. */
function holds(steps: readonly Step[], sequence: Sequence): boolean {
  for (let i = 0; i + sequence.length <= steps.length; i++) {
    if (sequence.every((step, k) => aimHolds(steps, i + k, step))) return true;
  }
  return false;
}

/** The first scenario index at which `sequence` shows up, or -1. */
function firstHit(scenarios: readonly Scenario[], sequence: Sequence): number {
  return scenarios.findIndex((s) => holds(s.steps, sequence));
}

describe("sequences that matter", () => {
  const sampler = createSampler(1);
  const scenarios = Array.from({ length: 10000 }, () => sampler.next());

  it.each(SEQUENCES.map((q) => [q.map(([op, aim]) => `${op}@${aim}`).join(" → "), q] as const))(
    "%s within the first 10,000 scenarios",
    (_name, sequence) => {
      expect(firstHit(scenarios, sequence)).toBeGreaterThanOrEqual(0);
    },
  );

  it("two GHCB registrations on two touched RAM pages, the late combination of the random order", () => {
    const hit = scenarios.findIndex((s) => {
      const ram = (gpa: bigint) => s.memory.some((r) => r.type === "ram" && gpa >= r.gpa && gpa < r.gpa + r.size);
      const registered = s.steps.flatMap((t, i) =>
        t.op === "ghcb" &&
        i > 0 &&
        s.steps[i - 1]!.op === "access" &&
        page(s.steps[i - 1]!.gpa) === page(t.gpa) &&
        ram(t.gpa)
          ? [page(t.gpa)]
          : [],
      );
      return s.guest.sevEs && new Set(registered).size >= 2;
    });
    expect(hit).toBeGreaterThanOrEqual(0);
    expect(hit).toBeLessThan(10000);
  });

  it("an MMIO NAE request right after the #VC of an MMIO access, through a GHCB in RAM", () => {
    const hit = scenarios.findIndex(
      (s) =>
        s.guest.sevEs &&
        s.steps.some(
          (t, i) =>
            t.op === "mmio-nae" &&
            i >= 2 &&
            s.steps[i - 1]!.op === "ghcb" &&
            s.steps[i - 2]!.op === "access" &&
            t.gpa === s.steps[i - 2]!.gpa &&
            s.memory.some((r) => r.type === "mmio" && t.gpa >= r.gpa && t.gpa < r.gpa + r.size),
        ),
    );
    expect(hit).toBeGreaterThanOrEqual(0);
  });
});
