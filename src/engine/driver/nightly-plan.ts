// The nightly's plan: how a time budget becomes a fixed number of scenarios per engine, the date seed, and the
// sweep's parts (one per guest kind × memEncrypt block of the shard), so the same inputs always do the same work.
import { SWEEP_POINTS, probeSteps, type SweepPoint } from "../sweep";
import { GUEST_KINDS, type GuestKind } from "../../scenario/types";

/** In the order they run: property last, as fast-check may go on generating for a while after its last scenario. */
export const NIGHTLY_ENGINES = ["random", "sweep", "property"] as const;
export type NightlyEngine = (typeof NIGHTLY_ENGINES)[number];

/** Share of the time budget per engine, in the order they run. */
export const NIGHTLY_SHARES: Readonly<Record<NightlyEngine, number>> = Object.freeze({
  random: 0.4,
  sweep: 0.4,
  property: 0.2,
});

/**
 * Scenarios per second per job the plan counts on: about a fifth of what one core of the reference machine (2 cores,
 * Node 20) runs alone, and half of what it ran with other work loading it, so that minimizing new findings fits in
 * the budget too. A faster machine finishes early; a slower one is stopped by the wall clock, and the summary says so
 * (the run is then no longer reproducible from its seed).
 */
export const NIGHTLY_PACE: Readonly<Record<NightlyEngine, number>> = Object.freeze({
  random: 6_000,
  sweep: 15_000,
  property: 4_000,
});

/** Parts of the whole sweep space: guest kind × memEncrypt blocks, which the point order keeps contiguous. */
export const SWEEP_BLOCKS = GUEST_KINDS.length * 2;

export interface SweepPart {
  /** The `--shard` of the sweep engine that runs this part: index of count. */
  index: number;
  count: number;
  kind: GuestKind;
  memEncrypt: boolean;
  points: number;
  probesPerPoint: number;
  /** Scenarios planned for this part (at most points × probesPerPoint). */
  runs: number;
}

export interface EnginePlan {
  engine: NightlyEngine;
  runs: number;
  /** Milliseconds after the nightly's start by which this engine must stop. */
  deadlineMs: number;
}

export interface NightlyPlan {
  engines: EnginePlan[];
  sweepParts: SweepPart[];
}

/** The seed of a nightly run on `date`: its UTC date as the number YYYYMMDD. */
export function dateSeed(date: Date): number {
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The kind and memEncrypt of sweep point `i` (the point order: C-bit fastest, then reduction, size, memEncrypt, kind). */
function blockOf(i: number): Pick<SweepPoint, "kind" | "memEncrypt"> {
  const block = Math.floor(i / (SWEEP_POINTS / SWEEP_BLOCKS));
  return { kind: GUEST_KINDS[Math.floor(block / 2)]!, memEncrypt: block % 2 === 1 };
}

/**
 * Shard `index` of `count` of the sweep as SWEEP_BLOCKS parts, each the sweep engine's shard
 * SWEEP_BLOCKS·index + k of SWEEP_BLOCKS·count. The parts tile the shard exactly, and none crosses a guest kind or
 * memEncrypt boundary, so a sweep cut short still reaches every panel of the divergence map.
 */
export function sweepParts(shard: { index: number; count: number }): Omit<SweepPart, "runs">[] {
  const count = SWEEP_BLOCKS * shard.count;
  const parts: Omit<SweepPart, "runs">[] = [];
  for (let k = 0; k < SWEEP_BLOCKS; k++) {
    const index = SWEEP_BLOCKS * shard.index + k;
    const from = Math.floor((SWEEP_POINTS * index) / count);
    const to = Math.floor((SWEEP_POINTS * (index + 1)) / count);
    if (to <= from) continue;
    const { kind, memEncrypt } = blockOf(from);
    parts.push({ index, count, kind, memEncrypt, points: to - from, probesPerPoint: probeSteps(kind).length });
  }
  return parts;
}

/** Splits `total` over capacities as evenly as they allow (water filling): no part gets more than its capacity. */
export function fillEvenly(total: number, capacities: readonly number[]): number[] {
  const order = capacities.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c || a.i - b.i);
  const out = new Array<number>(capacities.length).fill(0);
  let left = total;
  order.forEach(({ c, i }, n) => {
    const give = Math.min(c, Math.floor(left / (order.length - n)));
    out[i] = give;
    left -= give;
  });
  return out;
}

export interface PlanInput {
  timeSeconds: number;
  jobs: number;
  shard: { index: number; count: number };
  /** Total scenarios instead of the ones the pace gives (split by the same shares). */
  runs?: number;
}

export function nightlyPlan(p: PlanInput): NightlyPlan {
  let elapsedShare = 0;
  const engines = NIGHTLY_ENGINES.map((engine): EnginePlan => {
    const share = NIGHTLY_SHARES[engine];
    elapsedShare += share;
    const paced = share * p.timeSeconds * NIGHTLY_PACE[engine] * p.jobs;
    const runs = Math.max(1, Math.floor(p.runs === undefined ? paced : p.runs * share));
    return { engine, runs, deadlineMs: Math.round(elapsedShare * p.timeSeconds * 1000) };
  });
  const parts = sweepParts(p.shard);
  const sweep = engines.find((e) => e.engine === "sweep")!;
  const runs = fillEvenly(
    sweep.runs,
    parts.map((x) => x.points * x.probesPerPoint),
  );
  sweep.runs = runs.reduce((a, b) => a + b, 0);
  return { engines, sweepParts: parts.map((x, k) => ({ ...x, runs: runs[k]! })) };
}

/** The points of a part whose every probe ran, given the scenarios it ran. */
export function pointsDone(part: Pick<SweepPart, "points" | "probesPerPoint">, execs: number): number {
  return Math.min(part.points, Math.floor(execs / part.probesPerPoint));
}

export function planText(plan: NightlyPlan, timeSeconds: number): string {
  return plan.engines
    .map((e) => {
      const s = NIGHTLY_SHARES[e.engine] * timeSeconds;
      return `${e.engine} ${e.runs} scenarios (${s.toFixed(s < 10 ? 1 : 0)} s)`;
    })
    .join(", ");
}
