import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  arbitraryOf,
  cpuArbitrary,
  cpuFieldsArbitrary,
  cpusArbitrary,
  memoryMapArbitrary,
  scenarioArbitrary,
  stepsArbitrary,
} from "../../src/scenario/arbitraries";
import { array, int, pick } from "../../src/scenario/gen";
import { GiB, PCI_MMIO_BAR_BASE, vmdMemoryMap } from "../../src/scenario/memory-maps";
import { PROFILES, fieldsOfCpu, profileOf } from "../../src/scenario/profiles";
import { createSampler } from "../../src/scenario/sampler";
import { SEQUENCES, contractProblems, resolveGeneratorOptions } from "../../src/scenario/space";
import { guestKind, type MemRange, type Scenario } from "../../src/scenario/types";
import { checkMemoryMap } from "../../src/scenario/validate";

const isMmio = (memory: readonly MemRange[], gpa: bigint) =>
  memory.some((r) => r.type === "mmio" && gpa >= r.gpa && gpa < r.gpa + r.size);

const hasMmioAccess = (s: Scenario) => s.steps.some((t) => t.op === "access" && isMmio(s.memory, t.gpa));

/** Per-scenario features in [0, 1] whose means the sampler and the arbitraries must agree on. */
function features(s: Scenario): Record<string, number> {
  const steps = s.steps;
  const stepShare = (p: (t: Scenario["steps"][number]) => boolean) => steps.filter(p).length / steps.length;
  const boot = fieldsOfCpu(s.host.cpus[0]!);
  return {
    sevEs: +(guestKind(s.guest) === "sev-es"),
    plain: +(guestKind(s.guest) === "plain"),
    oneCpu: +(s.host.cpus.length === 1),
    threePlusCpus: +(s.host.cpus.length >= 3),
    memEncrypt: +s.host.memEncrypt,
    decodeAssist: +s.host.decodeAssist,
    vmdShaped: +s.memory.some((r) => r.type === "mmio" && r.gpa === PCI_MMIO_BAR_BASE),
    ramAbove4G: +s.memory.some((r) => r.gpa === 4n * GiB),
    oneOrTwoRanges: +(s.memory.length <= 2),
    exactProfile: +(profileOf(boot) !== null),
    phys52: +(boot.physAddrSize === 52),
    cBit51: +(boot.cBit === 51),
    ram64G: +(s.host.ramBytes === 64n * GiB),
    stepCount: steps.length / 8,
    access: stepShare((t) => t.op === "access"),
    mmioNae: stepShare((t) => t.op === "mmio-nae"),
    ghcb: stepShare((t) => t.op === "ghcb"),
    pvclock: stepShare((t) => t.op === "pvclock"),
    mmioTarget: stepShare((t) => isMmio(s.memory, t.gpa)),
    size4: stepShare((t) => "size" in t && t.size === 4),
  };
}

function means(scenarios: Scenario[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const s of scenarios) for (const [k, v] of Object.entries(features(s))) sums[k] = (sums[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / scenarios.length]));
}

describe("scenarioArbitrary", () => {
  it("is deterministic for a seed", () => {
    const a = fc.sample(scenarioArbitrary(), { seed: 42, numRuns: 100 });
    const b = fc.sample(scenarioArbitrary(), { seed: 42, numRuns: 100 });
    expect(a).toEqual(b);
    expect(fc.sample(scenarioArbitrary(), { seed: 43, numRuns: 100 })).not.toEqual(a);
  });

  it("keeps the generator contract", () => {
    const options = resolveGeneratorOptions();
    fc.assert(
      fc.property(scenarioArbitrary(options), (s) => {
        expect(contractProblems(s, options)).toEqual([]);
        expect(s.invalidMemory).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the contract with invalid maps, flagging them", () => {
    const options = resolveGeneratorOptions({ invalidMaps: true, maxCpus: 2, maxSteps: 3 });
    const all = fc.sample(scenarioArbitrary(options), { seed: 7, numRuns: 600 });
    for (const s of all) expect(contractProblems(s, options)).toEqual([]);
    expect(all.filter((s) => s.invalidMemory).length).toBeGreaterThan(60);
  });

  it("has the sampler's distribution", () => {
    const n = 3000;
    const fromArbitrary = means(fc.sample(scenarioArbitrary(), { seed: 2024, numRuns: n }));
    const sampler = createSampler(2024);
    const fromSampler = means(Array.from({ length: n }, () => sampler.next()));
    for (const [name, p] of Object.entries(fromSampler)) {
      const q = fromArbitrary[name]!;
      const spread = Math.sqrt((Math.max(p * (1 - p), 0.01) * 2) / n);
      expect(Math.abs(p - q), `${name}: sampler ${p.toFixed(3)}, arbitrary ${q.toFixed(3)}`).toBeLessThan(
        4 * spread + 0.01,
      );
    }
    expect(fromSampler.sevEs).toBeGreaterThan(0.5);
  });

  it.each([1, 2, 3, 4, 5])(
    "shrinks 'an SEV-ES guest accesses MMIO' to one CPU of a real profile and one slot of steps (seed %i)",
    (seed) => {
      const out = fc.check(
        fc.property(scenarioArbitrary(), (s) => !(s.guest.sevEs && hasMmioAccess(s))),
        { seed, numRuns: 1000 },
      );
      expect(out.failed).toBe(true);
      const s = out.counterexample![0];
      expect(s.host.cpus).toHaveLength(1);
      expect(profileOf(fieldsOfCpu(s.host.cpus[0]!))).not.toBeNull();
      // A slot is one step or one whole sequence (shrinking drops slots, never part of a sequence).
      const ops = s.steps.map((t) => t.op).join(" ");
      const slots = [["access"], ...SEQUENCES.map((q) => q.map(([op]) => op))].map((q) => q.join(" "));
      expect(slots).toContain(ops);
      expect(s.steps[0]!.op).toBe("access");
      expect(isMmio(s.memory, s.steps[0]!.gpa)).toBe(true);
      expect(s.memory.length).toBeLessThanOrEqual(5);
    },
  );

  it("replays a failure from its seed and path", () => {
    const property = fc.property(scenarioArbitrary(), (s) => !(s.guest.sevEs && hasMmioAccess(s)));
    const out = fc.check(property, { seed: 11, numRuns: 1000 });
    const replay = fc.check(property, { seed: 11, path: out.counterexamplePath!, endOnFailure: true });
    expect(replay.counterexample).toEqual(out.counterexample);
  });
});

describe("the parts", () => {
  it("shrinks a CPU to the patch author's profile with only the failing field changed", () => {
    const out = fc.check(
      fc.property(cpuFieldsArbitrary(), (f) => f.cBit !== 63),
      { seed: 3, numRuns: 2000 },
    );
    expect(out.counterexample![0]).toEqual({ ...PROFILES["epyc-9124"].fields, cBit: 63 });
  });

  it("makes host CPUs and CPU lists", () => {
    for (const cpu of fc.sample(cpuArbitrary(), { seed: 1, numRuns: 200 })) {
      expect(cpu.cpuid.has(0x80000000)).toBe(true);
    }
    const lists = fc.sample(cpusArbitrary({ maxCpus: 3 }), { seed: 1, numRuns: 300 });
    expect(new Set(lists.map((l) => l.length))).toEqual(new Set([1, 2, 3]));
    for (const cpu of fc.sample(cpuArbitrary({ profileOnly: true }), { seed: 1, numRuns: 100 })) {
      expect(profileOf(fieldsOfCpu(cpu))).not.toBeNull();
    }
  });

  it("makes valid memory maps, and invalid ones only on request", () => {
    for (const memory of fc.sample(memoryMapArbitrary(), { seed: 1, numRuns: 300 })) {
      expect(checkMemoryMap({ memory } as Scenario)).toBeNull();
    }
    const withInvalid = fc.sample(memoryMapArbitrary({ invalidMaps: true }), { seed: 1, numRuns: 300 });
    expect(withInvalid.some((memory) => checkMemoryMap({ memory } as Scenario) !== null)).toBe(true);
  });

  it("makes steps for a given map and guest", () => {
    const memory = vmdMemoryMap(1n * GiB);
    const plain = fc.sample(stepsArbitrary(memory, "plain"), { seed: 1, numRuns: 200 }).flat();
    expect(plain.every((t) => ["access", "pvclock", "wallclock", "vmd-pvclock"].includes(t.op))).toBe(true);
    expect(plain.every((t) => t.cpu === undefined)).toBe(true);
    const es = fc.sample(stepsArbitrary(memory, "sev-es", 2), { seed: 1, numRuns: 200 }).flat();
    expect(new Set(es.map((t) => t.op)).size).toBe(7);
    expect(es.every((t) => t.cpu === 0 || t.cpu === 1)).toBe(true);
    expect(es.some((t) => isMmio(memory, t.gpa))).toBe(true);
  });

  it("shrinks any description's arrays by removing items anywhere", () => {
    const arb = arbitraryOf(array(pick([1, "x"], [1, "y"]), 1, 10));
    const out = fc.check(
      fc.property(arb, (xs) => xs.filter((x) => x === "y").length < 2),
      { seed: 5, numRuns: 200 },
    );
    expect(out.counterexample![0]).toEqual(["y", "y"]);
    const ints = arbitraryOf(int(10, 20));
    expect(
      fc.check(
        fc.property(ints, (v) => v < 15),
        { seed: 1 },
      ).counterexample![0],
    ).toBe(15);
  });
});
