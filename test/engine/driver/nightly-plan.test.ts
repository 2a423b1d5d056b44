import { describe, expect, it } from "vitest";
import {
  NIGHTLY_ENGINES,
  NIGHTLY_PACE,
  NIGHTLY_SHARES,
  dateSeed,
  fillEvenly,
  nightlyPlan,
  pointsDone,
  sweepParts,
} from "../../../src/engine/driver/nightly-plan";
import { SWEEP_POINTS, probeSteps, sweepPoint } from "../../../src/engine/sweep";

describe("nightly plan", () => {
  it("seeds from the UTC date as YYYYMMDD", () => {
    expect(dateSeed(new Date("2026-11-25T23:59:59Z"))).toBe(20261125);
    expect(dateSeed(new Date("2027-01-01T00:00:00Z"))).toBe(20270101);
  });

  it("shares the budget out in order, each engine with a deadline and paced runs", () => {
    expect(NIGHTLY_ENGINES.reduce((a, e) => a + NIGHTLY_SHARES[e], 0)).toBeCloseTo(1);
    const plan = nightlyPlan({ timeSeconds: 100, jobs: 2, shard: { index: 0, count: 1 } });
    expect(plan.engines.map((e) => e.engine)).toEqual([...NIGHTLY_ENGINES]);
    expect(plan.engines.map((e) => e.deadlineMs)).toEqual([40_000, 80_000, 100_000]);
    expect(plan.engines[0]!.runs).toBe(40 * NIGHTLY_PACE.random * 2);
    expect(plan.engines[2]!.runs).toBe(20 * NIGHTLY_PACE.property * 2);
    const sweep = plan.engines.find((e) => e.engine === "sweep")!;
    expect(sweep.runs).toBe(plan.sweepParts.reduce((a, p) => a + p.runs, 0));
  });

  it("splits --runs by the same shares and never plans more sweep scenarios than the space holds", () => {
    const plan = nightlyPlan({ timeSeconds: 5, jobs: 1, shard: { index: 0, count: 1 }, runs: 1000 });
    expect(plan.engines.map((e) => e.runs)).toEqual([400, 400, 200]);
    const huge = nightlyPlan({ timeSeconds: 1e6, jobs: 8, shard: { index: 2, count: 4 } });
    for (const p of huge.sweepParts) expect(p.runs).toBe(p.points * p.probesPerPoint);
  });

  it("cuts each shard of the sweep into parts that tile it and stay inside one guest kind × memEncrypt block", () => {
    for (const count of [1, 3, 4, 7]) {
      let next = 0;
      for (let index = 0; index < count; index++) {
        const from = Math.floor((SWEEP_POINTS * index) / count);
        expect(next).toBe(from);
        for (const part of sweepParts({ index, count })) {
          const start = Math.floor((SWEEP_POINTS * part.index) / part.count);
          expect(start).toBe(next);
          next = start + part.points;
          for (const i of [start, next - 1]) {
            expect(sweepPoint(i)).toMatchObject({ kind: part.kind, memEncrypt: part.memEncrypt });
          }
          expect(part.probesPerPoint).toBe(probeSteps(part.kind).length);
        }
      }
      expect(next).toBe(SWEEP_POINTS);
    }
  });

  it("fills parts evenly up to their capacity", () => {
    expect(fillEvenly(150, [10, 100, 100])).toEqual([10, 70, 70]);
    expect(fillEvenly(1000, [10, 20])).toEqual([10, 20]);
    expect(fillEvenly(7, [5, 5, 5]).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it("counts a sweep point done when all its probes ran", () => {
    expect(pointsDone({ points: 10, probesPerPoint: 4 }, 11)).toBe(2);
    expect(pointsDone({ points: 10, probesPerPoint: 4 }, 1000)).toBe(10);
  });
});
