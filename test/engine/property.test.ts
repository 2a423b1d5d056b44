import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EngineContext } from "../../src/engine/campaign";
import type { FastCheckReplay } from "../../src/engine/origin";
import { propertyEngine, type PropertyRound } from "../../src/engine/property";
import { scenarioArbitrary } from "../../src/scenario/arbitraries";
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
  const replays: (FastCheckReplay | undefined)[] = [];
  const rounds: PropertyRound[] = [];
  const ctx: EngineContext = {
    execute(scenario: Scenario, origin?: string, fastCheck?: FastCheckReplay): Finding[] {
      const signature = scenarioToText(scenario);
      texts.push(signature);
      origins.push(origin ?? "");
      replays.push(fastCheck);
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
  return { texts, origins, replays, rounds };
}

/** The scenario fast-check generates first when it replays `r`. */
function replayed(r: FastCheckReplay): string {
  let first: string | null = null;
  fc.check(
    fc.property(scenarioArbitrary(), (s) => {
      first ??= scenarioToText(s);
      return false;
    }),
    { seed: r.seed, path: r.path, numRuns: 1, endOnFailure: true },
  );
  return first!;
}

describe("propertyEngine", () => {
  const { texts, origins, replays, rounds } = run(11, 300);

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

  it("gives every scenario the seed and path that make fast-check generate it again", () => {
    expect(replays.every((r) => r !== undefined && r.path.length > 0)).toBe(true);
    // The first values of the first round, shrunk ones of it (paths a:b…) and ones of later rounds.
    const picks = [0, 1, 2, ...[5, 40, 120, 299].filter((i) => i < texts.length)];
    expect(picks.some((i) => replays[i]!.path.includes(":"))).toBe(true);
    for (const i of picks) expect(replayed(replays[i]!)).toBe(texts[i]);
  });

  it("counts paths as fast-check does: a round's last failure is its counterexample path", () => {
    // A value fails when its text (its signature here) was not reported by an earlier round.
    const reported = new Set<string>();
    for (const r of rounds.slice(0, -1)) {
      const failed = texts.flatMap((t, i) =>
        replays[i]!.seed === r.seed && !reported.has(t) ? [replays[i]!.path] : [],
      );
      expect(failed[failed.length - 1]).toBe(r.path);
      for (const sig of r.signatures) reported.add(sig);
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
