// The diff's fast paths drop nothing: where both sides show the same events only the PTE checks run, and two PTEs
// differing only in software bits are taken to behave the same without walking them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/cpu/machine";
import { PTE_P, PTE_RW, PTE_US } from "../../src/cpu/walk";
import { diffWithoutFastPaths, PTE_SOFTWARE_BITS } from "../../src/diff/diff";
import { pteBehaviour } from "../../src/diff/pte-semantics";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { createSampler } from "../../src/scenario/sampler";
import { EPYC_9124, MATISSE, scenario } from "../port/fixtures";

describe("the diff's fast paths", () => {
  it("find what every check run on every scenario finds", () => {
    const sampler = createSampler(31);
    const [a, b] = [implementation("posted"), implementation("reference")];
    let ptesOnly = 0;
    for (let i = 0; i < 3000; i++) {
      const s = sampler.next();
      const run = runPair(s, a, b);
      if (!run.a || !run.b) continue;
      const all = diffWithoutFastPaths(s, run.a, run.b);
      expect(run.findings, `scenario ${i}`).toEqual(all);
      if (all.length > 0 && all.every((f) => f.class === "pte-bits" || f.class === "pte-mismatch")) ptesOnly++;
    }
    expect(ptesOnly).toBeGreaterThan(300);
  }, 60_000);

  it("rest on the walk reading no software bit of a PTE", () => {
    const m = new Machine(scenario({ cpus: [EPYC_9124(), MATISSE()] }));
    const bits = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(bits, bits, (pte, noise) => {
        const entry = pte | PTE_P | PTE_RW | PTE_US;
        const other = entry ^ (noise & PTE_SOFTWARE_BITS);
        expect(pteBehaviour(m, 0x5000n, other)).toBe(pteBehaviour(m, 0x5000n, entry));
      }),
    );
  });
});
