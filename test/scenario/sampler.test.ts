import { describe, it, expect } from "vitest";
import { decodeBytes } from "../../src/scenario/decode-bytes";
import { array, int, oneof, pick } from "../../src/scenario/gen";
import { PROFILES } from "../../src/scenario/profiles";
import { aleaRandom, compileSampler, createGenSampler, createSampler } from "../../src/scenario/sampler";
import { resolveGeneratorOptions, scenarioGen } from "../../src/scenario/space";
import { scenarioToText } from "../../src/scenario/codec";

function first(n: number, seed: number | string, options = {}) {
  const s = createSampler(seed, options);
  return Array.from({ length: n }, () => s.next());
}

describe("createSampler", () => {
  it("gives the same scenarios for the same seed", () => {
    expect(first(200, 1234)).toEqual(first(200, 1234));
    expect(first(50, "campaign-7", { invalidMaps: true })).toEqual(first(50, "campaign-7", { invalidMaps: true }));
  });

  it("gives other scenarios for another seed", () => {
    const a = first(20, 1).map(scenarioToText);
    const b = first(20, 2).map(scenarioToText);
    expect(a.filter((text, i) => text === b[i]).length).toBeLessThan(5);
  });

  it("treats a number seed and its decimal string alike", () => {
    expect(first(20, 77)).toEqual(first(20, "77"));
  });

  it("gives fresh objects: changing one scenario leaves the next untouched", () => {
    const s = createSampler(5, { maxCpus: 1, profileOnly: true });
    const a = s.next();
    a.host.cpus[0]!.cpuid.clear();
    a.memory.length = 0;
    for (let i = 0; i < 50; i++) {
      const b = s.next();
      expect(b.host.cpus[0]!.cpuid.size).toBeGreaterThan(0);
      expect(b.memory.length).toBeGreaterThan(0);
    }
    expect(PROFILES.genoa.cpu.cpuid.size).toBe(3);
  });
});

describe("compileSampler", () => {
  it("draws int uniformly over its bounds", () => {
    const s = createGenSampler(int(3, 6), "int");
    const counts = new Map<number, number>();
    for (let i = 0; i < 8000; i++) {
      const v = s.next();
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6]);
    for (const c of counts.values()) expect(c / 8000).toBeCloseTo(0.25, 1);
  });

  it("picks oneof options by weight", () => {
    const s = createGenSampler(pick([1, "a"], [3, "b"], [6, "c"]), "oneof");
    const n = 20000;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < n; i++) counts[s.next()]!++;
    expect(counts.a! / n).toBeCloseTo(0.1, 1);
    expect(counts.b! / n).toBeCloseTo(0.3, 1);
    expect(counts.c! / n).toBeCloseTo(0.6, 1);
  });

  it("picks by weight through the search path too (total weight above the table size)", () => {
    const s = createGenSampler(oneof([5000, int(0, 0)], [5000, int(1, 1)]), "big");
    let ones = 0;
    for (let i = 0; i < 4000; i++) ones += s.next();
    expect(ones / 4000).toBeCloseTo(0.5, 1);
  });

  it("draws array lengths uniformly", () => {
    const s = createGenSampler(array(int(0, 9), 1, 3), "array");
    const lengths = new Set<number>();
    for (let i = 0; i < 300; i++) lengths.add(s.next().length);
    expect([...lengths].sort()).toEqual([1, 2, 3]);
  });

  it("gives with an all-zero Random the simplest scenario, the one the byte decoder gives for empty input", () => {
    const draw = compileSampler(scenarioGen(resolveGeneratorOptions()));
    expect(draw(() => 0)).toEqual(decodeBytes(new Uint8Array(0)));
  });

  it("wraps seedrandom's alea", () => {
    const a = aleaRandom(9);
    const b = aleaRandom("9");
    for (let i = 0; i < 10; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
