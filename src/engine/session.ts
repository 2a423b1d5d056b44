// One engine's campaign over one part of the work, as a thread (the main one or a worker) runs it: builds the
// engine, runs the campaign, turns each new signature into finding-file data. Writes no files, prints nothing.
import type { Finding } from "../diff/finding";
import type { Implementation, PairResult } from "../diff/run-pair";
import { baselineImplementation, createsSeveralVcpus } from "../impls";
import { createSampler } from "../scenario/sampler";
import type { GeneratorOptions } from "../scenario/space";
import type { Scenario } from "../scenario/types";
import type { FindingFile } from "../store/finding-file";
import { Campaign, type CampaignStats, type Engine } from "./campaign";
import { findingRecord } from "./finding-record";
import { minimizerProfiles, realHostProfiles } from "./minimize";
import type { FindingOrigin, Part } from "./origin";
import { DivergenceMap } from "./divergence-map";
import { propertyEngine } from "./property";
import { randomEngine } from "./random";
import { sweepEngine } from "./sweep";
import { SweepMap } from "./sweep-map";

export const ENGINES = ["random", "property", "sweep", "coverage"] as const;
export type EngineName = (typeof ENGINES)[number];

/** Candidates the minimizer tries at most per new signature (deterministic bound). */
export const MINIMIZE_CANDIDATES = 2000;

export interface SessionOptions {
  engine: EngineName;
  /** The seed of this part: random and property use it directly. */
  seed: number;
  /** For the sweep: this part's block of the profile space. */
  part: Part;
  /** The campaign's shard and this thread's place among its workers (recorded in each finding's origin). */
  shard: Part;
  worker: Part;
  runs: number;
  timeMs: number;
  minimize: boolean;
  minimizeTimeMs: number;
  /** The seed the user gave, recorded in finding files. */
  campaignSeed: number;
  /** The implementation that tells introduced from inherited findings (null: none). */
  baseline: string | null;
  /** Set (element 0) by the main thread to stop the campaign early; shared memory, so workers see it. */
  stopSignal?: Int32Array;
}

/** A signature this session hit first, with its evidence and its origin, and the finding file made of them. */
export interface SessionNew {
  finding: Finding;
  /** The scenario minimized (or as found, when known, info, or not minimized). */
  scenario: Scenario;
  /** The run of `scenario` the finding and its file were taken from. */
  run: PairResult;
  origin: FindingOrigin;
  execs: number;
  elapsedMs: number;
  known: boolean;
  file: FindingFile;
}

export interface SessionResult {
  stats: CampaignStats;
  sweep: SweepMap | null;
  divergence: DivergenceMap | null;
}

export interface SessionSinks {
  onNew(n: SessionNew, stats: CampaignStats): void;
  onProgress?(stats: CampaignStats): void;
  /** Signatures already stored: counted, not minimized again. */
  known(signature: string): boolean;
}

function engineFor(
  o: SessionOptions,
  generator: Partial<GeneratorOptions>,
  sweep: SweepMap | null,
  divergence: DivergenceMap | null,
  override?: Engine,
): Engine {
  if (override) return override;
  switch (o.engine) {
    case "random":
      return randomEngine(createSampler(o.seed, generator), (i) => `random seed ${o.seed} scenario ${i}`);
    case "property":
      return propertyEngine(o.seed, generator);
    case "sweep":
      return sweepEngine(o.part.index, o.part.count, (p, _probe, findings) => {
        sweep!.record(
          p,
          findings.map((f) => f.signature),
        );
        divergence!.record(
          p,
          findings.map((f) => f.severity),
        );
      });
    case "coverage":
      throw new Error("the coverage engine is driven by its own runner");
  }
}

export function runSession(
  o: SessionOptions,
  implA: Implementation,
  implB: Implementation,
  sinks: SessionSinks,
  override?: Engine,
): SessionResult {
  const sweep = o.engine === "sweep" ? new SweepMap() : null;
  const divergence = o.engine === "sweep" ? new DivergenceMap() : null;
  const baseline = baselineImplementation(o.baseline);
  const campaign: Campaign = new Campaign(
    {
      implA,
      implB,
      runs: o.runs,
      timeMs: o.timeMs,
      minimizeCandidates: o.minimize ? MINIMIZE_CANDIDATES : 0,
      minimizeTimeMs: o.minimizeTimeMs,
      profiles: minimizerProfiles(),
      realHosts: realHostProfiles(),
      known: sinks.known,
      ...(o.stopSignal ? { stopSignal: o.stopSignal } : {}),
    },
    {
      onNew(n) {
        const origin: FindingOrigin = {
          engine: o.engine,
          campaignSeed: o.campaignSeed,
          seed: o.seed,
          shard: o.shard,
          worker: o.worker,
          execs: n.execs,
          label: n.origin,
          fastCheck: n.fastCheck,
        };
        const found = { engine: o.engine, seed: String(o.campaignSeed), execs: n.execs };
        const file = findingRecord(n, implA, implB, baseline, found);
        const { finding, scenario, run, execs, elapsedMs, known } = n;
        sinks.onNew({ finding, scenario, run, origin, execs, elapsedMs, known, file }, campaign.stats);
      },
      onProgress: sinks.onProgress,
    },
  );
  // Guests of several vcpus are made often only when both sides can create them (the smp what-if).
  const generator = { severalVcpus: createsSeveralVcpus(implA.name) && createsSeveralVcpus(implB.name) };
  const stats = campaign.run(engineFor(o, generator, sweep, divergence, override));
  return { stats, sweep, divergence };
}
