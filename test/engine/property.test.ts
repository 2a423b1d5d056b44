import { describe, expect, it } from "vitest";
import type { EngineContext } from "../../src/engine/campaign";
import { propertyEngine, type PropertyRound } from "../../src/engine/property";
import type { Finding } from "../../src/diff/finding";
import { scenarioToText } from "../../src/scenario/codec";
import type { Scenario } from "../../src/scenario/types";

/**
 * Runs the engine with a context whose signature is the scenario's text, so every scenario shows a new signature
 * and every round fails and shrinks; the campaign stops after `limit` scenarios.
 */
function run(seed: number, limit: number) {
  const texts: string[] = [];
  const origins: string[] = [];
  const rounds: PropertyRound[] = [];
  const ctx: EngineContext = {
    execute(scenario: Scenario, origin?: string): Finding[] {
      const signature = scenarioToText(scenario);
      texts.push(signature);
      origins.push(origin ?? "");
      return [
        {
          class: "exit-mismatch",
          severity: "functional",
          signature,
          step: 0,
          side: "both",
          detail: "",
          basis: "spec",
          policyRules: [],
        },
      ];
    },
    shouldStop: () => texts.length >= limit,
    addExecs: () => {},
    remainingMs: () => Infinity,
  };
  propertyEngine(seed, {}, (r) => rounds.push(r))(ctx);
  return { texts, origins, rounds };
}

describe("propertyEngine", () => {
  const { texts, origins, rounds } = run(11, 300);

  it("stops when the campaign says so", () => {
    expect(texts).toHaveLength(300);
  });

  it("runs rounds with seeds seed, seed + 1, …, and names the round's seed as the origin", () => {
    expect(rounds.length).toBeGreaterThan(1);
    expect(rounds.map((r) => r.seed)).toEqual(rounds.map((_, i) => 11 + i));
    expect(origins[0]).toBe("property seed 11");
    expect(new Set(origins)).toEqual(new Set(rounds.map((r) => `property seed ${r.seed}`)));
  });

  it("reports each new signature once, in the round that found it, with fast-check's replay path", () => {
    const all = rounds.flatMap((r) => r.signatures);
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all).size).toBe(all.length);
    const executed = new Set(texts);
    for (const s of all) expect(executed.has(s)).toBe(true);
    for (const r of rounds) {
      expect(r.signatures.length).toBeGreaterThan(0);
      expect(r.path).toMatch(/^\d+(:\d+)*$/);
      expect([...r.signatures].sort()).toEqual(r.signatures);
    }
  });

  it("shrinks a round's counterexample: later scenarios of a round are no bigger than its first", () => {
    const round0 = texts.filter((_, i) => origins[i] === "property seed 11");
    expect(round0.length).toBeGreaterThan(1);
    expect(Math.min(...round0.map((t) => t.length))).toBeLessThan(round0[0]!.length);
  });

  it("gives the same scenarios and rounds for the same seed, other ones for another seed", () => {
    const again = run(11, 300);
    expect(again.texts).toEqual(texts);
    expect(again.rounds).toEqual(rounds);
    expect(run(12, 50).texts).not.toEqual(texts.slice(0, 50));
  });
});
