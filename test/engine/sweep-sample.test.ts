import { describe, expect, it } from "vitest";
import { originText, type EngineContext } from "../../src/engine/campaign";
import { SWEEP_POINTS, probeSteps, sweepPoint } from "../../src/engine/sweep";
import { sweepSampleEngine, sweepSamplePoints } from "../../src/engine/sweep-sample";
import type { Scenario } from "../../src/scenario/types";

function run(stride: number, stopAfter = Infinity): { origins: string[]; scenarios: Scenario[] } {
  const origins: string[] = [];
  const scenarios: Scenario[] = [];
  const ctx: EngineContext = {
    execute: (sc, origin) => (scenarios.push(sc), origins.push(originText(origin ?? "")), []),
    shouldStop: () => origins.length >= stopAfter,
    addExecs: () => undefined,
    remainingMs: () => Infinity,
  };
  sweepSampleEngine(stride)(ctx);
  return { origins, scenarios };
}

describe("the sweep sample", () => {
  it("runs every stride-th point of the sweep through that point's probes", () => {
    const stride = 524289;
    const { origins } = run(stride);
    const points = [...new Set(origins.map((o) => Number(/^sweep point (\d+) /.exec(o)![1])))];
    expect(points.length).toBe(sweepSamplePoints(stride));
    expect(points.every((p, i) => p === i * stride && p < SWEEP_POINTS)).toBe(true);
    const probes = points.reduce((n, p) => n + probeSteps(sweepPoint(p).kind).length, 0);
    expect(origins.length).toBe(probes);
  });

  it("varies the C-bit, the reduction and PhysAddrSize between neighbouring points of a stride coprime to 64", () => {
    const ps = [0, 1, 2, 3].map((k) => sweepPoint(k * 61));
    expect(new Set(ps.map((p) => p.cBit)).size).toBe(4);
    expect(new Set(ps.map((p) => p.reduction)).size).toBeGreaterThan(1);
  });

  it("stops when the campaign says so, and refuses a stride below 1", () => {
    expect(run(61, 5).origins).toHaveLength(5);
    expect(() => sweepSampleEngine(0)).toThrow(/stride 0/);
  });
});
