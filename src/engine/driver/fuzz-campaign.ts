// One fuzz campaign as a command runs it: the engine named by the options on this thread or on worker threads, the
// known signatures of the `known` folders, and each new signature's finding file stored in `crashesDir` as found.
// It prints nothing: status updates go to the caller's listener.
import { implementation } from "../../impls";
import { CrashStore, type SaveResult } from "../../store/crash-store";
import { KnownSignatures } from "../../store/known";
import type { CampaignStats, Engine } from "../campaign";
import type { DivergenceMap } from "../divergence-map";
import { runParallel } from "../parallel";
import { runSession, type SessionNew, type SessionOptions } from "../session";
import { SWEEP_SCENARIOS } from "../sweep";
import type { SweepMap } from "../sweep-map";
import { coverageCampaignEngine } from "./coverage-wiring";
import type { FuzzOptions } from "./fuzz-options";

/** A signature the campaign hit first, with what the store answered. */
export interface FoundSignature extends SessionNew {
  /** The store's answer, "info" (never stored) or "unstored" (no crashes folder). */
  stored: SaveResult | "info" | "unstored";
  /** The finding file's path; null unless written. */
  path: string | null;
}

export interface FuzzReport {
  options: FuzzOptions;
  jobs: number;
  stats: CampaignStats;
  found: FoundSignature[];
  sweep: SweepMap | null;
  divergence: DivergenceMap | null;
  /** Workers that died outside a scenario: implementation errors of this project. */
  workerErrors: string[];
}

/** A status update: NEW at each new signature, PULSE every few seconds. */
export interface CampaignStatus {
  tag: "NEW" | "PULSE";
  stats: CampaignStats;
  elapsedMs: number;
  /** The campaign's bounds, for a progress bar: its time and its scenarios (the sweep: its share of the space). */
  timeMs: number;
  runsBound: number;
}

/** How a campaign is run: an engine in place of the named one (tests, sampled sweeps), a stop signal, a listener. */
export interface RunContext {
  engine?: Engine;
  /** Element 0 set to 1 asks the campaign (and its workers) to stop; a campaign that has one runs on workers. */
  stopSignal?: Int32Array;
  onStatus?(status: CampaignStatus): void;
}

/**
 * Runs the campaign the options describe; stores findings as they come. It runs on `jobs` worker threads when
 * more than one, or when it can be stopped (the calling thread must stay free to hear a signal).
 */
export async function runFuzz(o: FuzzOptions, context: RunContext = {}): Promise<FuzzReport> {
  let engineOverride = context.engine;
  const implA = implementation(o.impl);
  const implB = implementation(o.against);
  const store = o.crashesDir === null ? null : new CrashStore(o.crashesDir);
  const record = KnownSignatures.of(o.known);
  if (store) record.addStore(store);
  const found: FoundSignature[] = [];
  const started = Date.now();
  // The sweep's bound is its share of the profile space: every point's probes.
  const runsBound = o.engine === "sweep" ? Math.min(o.runs, SWEEP_SCENARIOS / o.shard.count) : o.runs;
  const status = (tag: CampaignStatus["tag"], stats: CampaignStats) =>
    context.onStatus?.({ tag, stats, elapsedMs: Date.now() - started, timeMs: o.timeMs, runsBound });
  const onNew = (n: SessionNew, stats: CampaignStats) => {
    // Info findings (the PTEs differ in bits only) are listed, never stored: crashes/ holds divergences.
    const stored = n.finding.severity === "info" ? "info" : store ? store.save(n.file) : "unstored";
    // Workers each report their first hit of a signature; the store keeps the smallest, the report the first.
    if (!found.some((f) => f.finding.signature === n.finding.signature)) {
      found.push({ ...n, stored, path: store && stored !== "info" ? store.pathOf(n.file) : null });
      status("NEW", stats);
    }
  };
  // Shards of random and property campaigns use distinct seeds: seed · shards + index.
  const session: SessionOptions = {
    engine: o.engine,
    seed: o.seed * o.shard.count + o.shard.index,
    part: o.shard,
    shard: o.shard,
    worker: { index: 0, count: 1 },
    runs: o.runs,
    timeMs: o.timeMs,
    minimize: o.minimize,
    minimizeTimeMs: o.minimizeTimeMs,
    campaignSeed: o.seed,
    baseline: o.baseline,
    ...(context.stopSignal ? { stopSignal: context.stopSignal } : {}),
  };
  const known = (sig: string) => record.has(implA.name, implB.name, sig);
  const knownList = () => record.signatures(implA.name, implB.name);
  if (o.engine === "coverage" && !engineOverride) {
    engineOverride = coverageCampaignEngine({
      corpusDir: o.coverageCorpus,
      jobs: o.jobs,
      seed: session.seed,
      impl: implA.name,
      against: implB.name,
      known: () => [...knownList(), ...found.map((f) => f.finding.signature)],
    });
  }
  const onProgress = (stats: CampaignStats) => status("PULSE", stats);
  if ((o.jobs > 1 || context.stopSignal) && !engineOverride) {
    const r = await runParallel(session, o.jobs, implA.name, implB.name, knownList(), { onNew, onProgress });
    const { stats, sweep, divergence, workerErrors } = r;
    return { options: o, jobs: o.jobs, stats, found, sweep, divergence, workerErrors };
  }
  const r = runSession(session, implA, implB, { known, onNew, onProgress }, engineOverride);
  return { options: o, jobs: 1, stats: r.stats, found, sweep: r.sweep, divergence: r.divergence, workerErrors: [] };
}

/** A signature above info that no known folder recorded (whether or not this campaign stored it). */
export function isNew(f: FoundSignature): boolean {
  return !f.known && f.stored !== "info";
}
