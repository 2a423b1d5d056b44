// Guests of several vcpus: when both sides create them (severalVcpus, the smp what-if), about one scenario in six
// has two (three or four rarely), its steps each name a vcpu, and the sequences that matter also run across two
// vcpus; otherwise one in 128, to see both refuse. Single-vcpu scenarios carry neither field.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { scenarioArbitrary } from "../../src/scenario/arbitraries";
import { scenarioToText } from "../../src/scenario/codec";
import { scenarioDecoder } from "../../src/scenario/decode-bytes";
import { createSampler } from "../../src/scenario/sampler";
import { SEQUENCES } from "../../src/scenario/space";
import type { Scenario, Step } from "../../src/scenario/types";
import { aimHolds, type Sequence } from "../support/sequence-aims";

const SMP = { severalVcpus: true } as const;
const sampler = createSampler(1, SMP);
const scenarios = Array.from({ length: 10000 }, () => sampler.next());
const multi = scenarios.filter((s) => s.guest.vcpus !== undefined);
const page = (gpa: bigint) => gpa & ~0xfffn;
const vcpuOf = (t: Step) => t.vcpu ?? 0;

/** Whether the sequence holds from some index with its first step on one vcpu and the others on another. */
function handedOver(steps: readonly Step[], sequence: Sequence): boolean {
  for (let i = 0; i + sequence.length <= steps.length; i++) {
    const first = vcpuOf(steps[i]!);
    const other = sequence.length > 1 ? vcpuOf(steps[i + 1]!) : first;
    const ok = sequence.every(
      (step, k) => (k === 0 || (vcpuOf(steps[i + k]!) === other && other !== first)) && aimHolds(steps, i + k, step),
    );
    if (ok) return true;
  }
  return false;
}

describe("vcpus in generated scenarios", () => {
  it("under vmm's UP-only contract, gives one scenario in 128 several vcpus, to see both refuse them", () => {
    const up = createSampler(1);
    let several = 0;
    for (let i = 0; i < 20000; i++) if (up.next().guest.vcpus !== undefined) several++;
    expect(several / 20000).toBeGreaterThan(0.5 / 128);
    expect(several / 20000).toBeLessThan(2 / 128);
  });

  it("gives about one scenario in six two vcpus or more, mostly two, sometimes three or four", () => {
    const share = multi.length / scenarios.length;
    expect(share).toBeGreaterThan(0.13);
    expect(share).toBeLessThan(0.21);
    const counts = new Map<number, number>();
    for (const s of multi) counts.set(s.guest.vcpus!, (counts.get(s.guest.vcpus!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([2, 3, 4]);
    expect(counts.get(2)! / multi.length).toBeGreaterThan(0.7);
  });

  it("leaves both fields absent with one vcpu, and names a vcpu on every step with several, each vcpu used", () => {
    for (const s of scenarios) {
      if (s.guest.vcpus === undefined) {
        expect(s.steps.every((t) => t.vcpu === undefined)).toBe(true);
        expect(scenarioToText(s)).not.toMatch(/vcpu/);
      } else {
        expect(s.steps.every((t) => t.vcpu !== undefined && t.vcpu >= 0 && t.vcpu < s.guest.vcpus!)).toBe(true);
      }
    }
    const two = multi.filter((s) => s.guest.vcpus === 2 && s.steps.length >= 4);
    const used = two.filter((s) => new Set(s.steps.map(vcpuOf)).size === 2);
    expect(used.length / two.length).toBeGreaterThan(0.5);
  });

  it.each(SEQUENCES.map((q) => [q.map(([op, aim]) => `${op}@${aim}`).join(" → "), q] as const))(
    "%s handed over to another vcpu within the first 10,000 scenarios",
    (_name, sequence) => {
      expect(multi.some((s) => handedOver(s.steps, sequence))).toBe(true);
    },
  );

  it("has a GHCB registered on vcpu 0 and then on vcpu 1, and a page faulted in by one vcpu and used by another", () => {
    const reRegistered = multi.some((s) =>
      s.steps.some(
        (t, i) => t.op === "ghcb" && t.vcpu === 1 && s.steps.slice(0, i).some((u) => u.op === "ghcb" && u.vcpu === 0),
      ),
    );
    expect(reRegistered).toBe(true);
    const uses = new Set<string>();
    for (const s of multi) {
      s.steps.forEach((t, i) => {
        const before = s.steps[i - 1];
        if (
          before?.op === "access" &&
          t.op !== "access" &&
          page(t.gpa) === page(before.gpa) &&
          t.vcpu !== before.vcpu
        ) {
          uses.add(t.op);
        }
      });
    }
    for (const op of ["ghcb", "pvclock", "wallclock", "vmd-pvclock", "mmio-nae"]) expect([...uses]).toContain(op);
  });

  it("draws vcpus in the arbitraries and the byte decoder too, shrinking toward one", () => {
    const arb = fc.sample(scenarioArbitrary(SMP), { seed: 3, numRuns: 3000 });
    const share = arb.filter((s) => s.guest.vcpus !== undefined).length / arb.length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.22);
    const decode = scenarioDecoder(SMP);
    expect(decode(new Uint8Array(0)).guest.vcpus).toBeUndefined();
    let x = 7;
    const decoded: Scenario[] = [];
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(200);
      for (let j = 0; j < b.length; j++) b[j] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      decoded.push(decode(b));
    }
    expect(decoded.some((s) => s.guest.vcpus === 2 && s.steps.some((t) => t.vcpu === 1))).toBe(true);
    const shrunk = fc.check(
      fc.property(scenarioArbitrary(SMP), (s) => s.guest.vcpus === undefined),
      { seed: 4, numRuns: 2000 },
    );
    expect(shrunk.failed).toBe(true);
    expect(shrunk.counterexample![0].guest.vcpus).toBe(2);
    expect(shrunk.counterexample![0].steps.length).toBe(1);
  });
});

describe("host.pvEntries in generated scenarios", () => {
  it("gives one scenario in sixteen a pool of 0 to 6 free entries, and leaves the rest unlimited", () => {
    const s = createSampler(2);
    const pools: number[] = [];
    for (let i = 0; i < 16000; i++) {
      const pv = s.next().host.pvEntries;
      if (pv !== undefined) pools.push(pv);
    }
    expect(pools.length / 16000).toBeGreaterThan(0.75 / 16);
    expect(pools.length / 16000).toBeLessThan(1.25 / 16);
    expect([...new Set(pools)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const arb = fc.sample(scenarioArbitrary(), { seed: 5, numRuns: 3000 });
    expect(arb.some((x) => x.host.pvEntries !== undefined)).toBe(true);
  });
});
