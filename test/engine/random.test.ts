import { describe, expect, it } from "vitest";
import { originText, type EngineContext } from "../../src/engine/campaign";
import { randomEngine } from "../../src/engine/random";
import { createSampler } from "../../src/scenario/sampler";
import { scenarioToText } from "../../src/scenario/codec";
import type { Scenario } from "../../src/scenario/types";

function record(limit: number): { ctx: EngineContext; runs: { scenario: Scenario; origin?: string }[] } {
  const runs: { scenario: Scenario; origin?: string }[] = [];
  return {
    runs,
    ctx: {
      execute: (scenario, origin) => (runs.push({ scenario, origin: origin && originText(origin) }), []),
      shouldStop: () => runs.length >= limit,
      addExecs: () => {},
      remainingMs: () => Infinity,
    },
  };
}

describe("randomEngine", () => {
  it("runs the source's scenarios in order, labelled by index, until the campaign says stop", () => {
    const { ctx, runs } = record(25);
    randomEngine(createSampler(9), (i) => `random seed 9 scenario ${i}`)(ctx);
    expect(runs).toHaveLength(25);
    expect(runs.map((r) => r.origin)).toEqual(Array.from({ length: 25 }, (_, i) => `random seed 9 scenario ${i}`));
    const sampler = createSampler(9);
    expect(runs.map((r) => scenarioToText(r.scenario))).toEqual(runs.map(() => scenarioToText(sampler.next())));
  });

  it("is the same for the same seed and differs for another", () => {
    const texts = (seed: number) => {
      const { ctx, runs } = record(10);
      randomEngine(createSampler(seed), String)(ctx);
      return runs.map((r) => scenarioToText(r.scenario));
    };
    expect(texts(4)).toEqual(texts(4));
    expect(texts(5)).not.toEqual(texts(4));
  });

  it("runs nothing when the campaign is already stopped", () => {
    const { ctx, runs } = record(0);
    randomEngine(createSampler(1), String)(ctx);
    expect(runs).toEqual([]);
  });
});
