// The sampler builds scenarios straight from the PRNG; the arbitraries and the byte decoder read the descriptions
// (gen.ts). Both readings must make the same scenario from the same random numbers.
import { describe, expect, it } from "vitest";
import { scenarioToText } from "../../src/scenario/codec";
import { aleaRandom, compileSampler } from "../../src/scenario/sampler";
import { resolveGeneratorOptions, scenarioDrawer, scenarioGen, type GeneratorOptions } from "../../src/scenario/space";
import { drawAmong, drawInt, drawLength, drawOption, weights } from "../../src/scenario/space/draw";

/** A Random that counts its calls. */
function counted(seed: string) {
  const r = aleaRandom(seed);
  const c = { calls: 0, random: () => (c.calls++, r()) };
  return c;
}

describe("the sampler's direct drawing", () => {
  it.each<Partial<GeneratorOptions>>([
    {},
    { maxSteps: 1 },
    { maxSteps: 2 },
    { invalidMaps: true },
    { profileOnly: true },
    { profileOnly: true, maxCpus: 1 },
    { maxCpus: 1 },
    { maxCpus: 2, maxSteps: 3 },
    { maxCpus: 64, maxSteps: 40, invalidMaps: true },
    { guestKinds: ["plain"] },
    { guestKinds: ["sev", "plain"] },
  ])("makes the description's scenarios from the same numbers, and takes as many, with %o", (partial) => {
    const options = resolveGeneratorOptions(partial);
    const direct = scenarioDrawer(options);
    const described = compileSampler(scenarioGen(options));
    const a = counted(`eq-${JSON.stringify(partial)}`);
    const b = counted(`eq-${JSON.stringify(partial)}`);
    for (let i = 0; i < 1500; i++) {
      const x = direct(a.random);
      const y = described(b.random);
      expect(scenarioToText(x)).toBe(scenarioToText(y));
      expect(a.calls).toBe(b.calls);
    }
    expect(direct(() => 0)).toEqual(described(() => 0));
  });

  it("draws like the interpreter: no number for a single option, one for every array length", () => {
    const calls = (f: (r: () => number) => unknown) => {
      let n = 0;
      f(() => (n++, 0.5));
      return n;
    };
    expect(calls((r) => drawInt(r, 3, 3))).toBe(0);
    expect(calls((r) => drawInt(r, 3, 4))).toBe(1);
    expect(calls((r) => drawAmong(r, ["only"]))).toBe(0);
    expect(calls((r) => drawLength(r, 2, 2))).toBe(1);
    expect(calls((r) => drawOption(r, weights(5)))).toBe(0);
    expect(drawOption(() => 0.5, weights(1, 3, 6))).toBe(2);
    expect(drawOption(() => 0.3, weights(1, 3, 6))).toBe(1);
    expect(drawOption(() => 0.0999, weights(1, 3, 6))).toBe(0);
  });
});
