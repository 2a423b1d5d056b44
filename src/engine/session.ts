// One engine's campaign over one part of the work, as a thread (the main one or a worker) runs it: builds the
// engine, runs the campaign, turns each new signature into finding-file data. Writes no files, prints nothing.
import type { Finding } from "../diff/finding";
import type { Implementation } from "../diff/run-pair";
import { PROFILES } from "../scenario/profiles";
import { createSampler } from "../scenario/sampler";
import { PROFILE_ORDER } from "../scenario/space";
import type { Scenario } from "../scenario/types";
import type { FindingFile } from "../store/finding-file";
import { makeFindingFile } from "../store/make-finding-file";
import { Campaign, type CampaignStats, type Engine } from "./campaign";
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
  part: { index: number; count: number };
  runs: number;
  timeMs: number;
  minimize: boolean;
  minimizeTimeMs: number;
  /** The seed the user gave, recorded in finding files. */
  campaignSeed: number;
  /** Set (element 0) by the main thread to stop the campaign early; shared memory, so workers see it. */
  stopSignal?: Int32Array;
}

export interface SessionNew {
  finding: Finding;
  scenario: Scenario;
  execs: number;
  elapsedMs: number;
  known: boolean;
  origin: string;
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
  sweep: SweepMap | null,
  divergence: DivergenceMap | null,
  override?: Engine,
): Engine {
  if (override) return override;
  switch (o.engine) {
    case "random":
      return randomEngine(createSampler(o.seed), (i) => `random seed ${o.seed} scenario ${i}`);
    case "property":
      return propertyEngine(o.seed, {});
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
  const campaign: Campaign = new Campaign(
    {
      implA,
      implB,
      runs: o.runs,
      timeMs: o.timeMs,
      minimizeCandidates: o.minimize ? MINIMIZE_CANDIDATES : 0,
      minimizeTimeMs: o.minimizeTimeMs,
      profiles: PROFILE_ORDER.map((n) => PROFILES[n].cpu),
      known: sinks.known,
      ...(o.stopSignal ? { stopSignal: o.stopSignal } : {}),
    },
    {
      onNew(n) {
        const found = { engine: o.engine, seed: String(o.campaignSeed), execs: n.execs };
        const file = makeFindingFile(n.finding, n.scenario, implA, implB, found);
        sinks.onNew({ ...n, file }, campaign.stats);
      },
      onProgress: sinks.onProgress,
    },
  );
  const stats = campaign.run(engineFor(o, sweep, divergence, override));
  return { stats, sweep, divergence };
}
