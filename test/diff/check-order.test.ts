// The checks are independent: what one check's divergence explains comes from the outcomes, not from a check run
// before it, so any order of the table gives the same findings (the order only lists them).
import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { CHECKS, diffOutcomes, type Check } from "../../src/diff/diff";
import type { Finding } from "../../src/diff/finding";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { parseScenario } from "../../src/scenario/codec";
import type { Scenario } from "../../src/scenario/types";
import { corpusFiles } from "../../src/store/corpus";
import { CrashStore } from "../../src/store/crash-store";

/** A permutation of the table from a small linear congruential generator: the same for the same seed. */
function shuffled(checks: readonly Check[], seed: number): Check[] {
  const out = [...checks];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ORDERS: [string, readonly Check[]][] = [
  ["reversed", [...CHECKS].reverse()],
  ...[1, 2, 3].map((seed): [string, Check[]] => [`shuffled (seed ${seed})`, shuffled(CHECKS, seed)]),
];

const bySignature = (fs: Finding[]) => [...fs].sort((x, y) => (x.signature < y.signature ? -1 : 1));

const cases: { name: string; scenario: Scenario; impl: string; against: string }[] = [
  ...new CrashStore("crashes").all().map((f) => ({ name: f.signature, ...f })),
  ...corpusFiles("corpus").map((file) => ({
    name: file,
    scenario: parseScenario(readFileSync(file, "utf8"), file),
    impl: "posted",
    against: "reference",
  })),
];

describe("the order of the checks", () => {
  it("really differs between the orders tried", () => {
    const names = (cs: readonly Check[]) => cs.map((c) => c.name).join(",");
    expect(new Set([CHECKS, ...ORDERS.map(([, cs]) => cs)].map(names)).size).toBe(ORDERS.length + 1);
  });

  it("changes no finding on the stored findings and the corpus, only the order they are listed in", () => {
    let diverging = 0;
    for (const c of cases) {
      const { a, b } = runPair(c.scenario, implementation(c.impl), implementation(c.against));
      if (!a || !b) continue;
      const table = diffOutcomes(c.scenario, a, b);
      if (table.length > 0) diverging++;
      for (const [order, checks] of ORDERS)
        expect(bySignature(diffOutcomes(c.scenario, a, b, checks)), `${c.name}, ${order}`).toEqual(bySignature(table));
      // Each check's findings, listed in the table's order, are the findings.
      const perCheck = CHECKS.flatMap((check) => diffOutcomes(c.scenario, a, b, [check]));
      expect(perCheck, c.name).toEqual(table);
    }
    expect(diverging).toBeGreaterThan(70);
  }, 120_000);
});
