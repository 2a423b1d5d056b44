// The data of a campaign summary (summary.json): what ran, what it found, the divergence map. Renderers
// (summary.md, summary.html, the SVG map) and `merge` read only this.
import type { Basis } from "../../reference/basis";
import type { FindingClass, Severity } from "../diff/classes";
import type { Reach } from "../diff/reach";
import type { MapPanel } from "../engine/divergence-map";

export const SUMMARY_FORMAT = "vmm-difffuzz.summary/1";

export interface EngineRun {
  engine: string;
  seed: number;
  /** "i/n" */
  shard: string;
  jobs: number;
  execs: number;
  seconds: number;
  /** Scenarios a nightly planned for this engine (absent: the campaign had no such plan). */
  planned?: number;
  /** False when the wall clock stopped the engine before it ran its planned scenarios. */
  complete?: boolean;
}

/** How much of the sweep's profile space (PhysAddrSize × PhysAddrReduction × C-bit × memEncrypt × guest) ran. */
export interface SweepCoverage {
  /** Points whose every probe ran. */
  pointsDone: number;
  /** Points of the shard's part of the space (the whole space when not sharded). */
  pointsInShard: number;
  /** Points of the whole space. */
  pointsTotal: number;
}

export interface SummaryFinding {
  class: FindingClass;
  severity: Severity;
  signature: string;
  /** Whether a catalog CPU reaches it (which), whether the patch introduced it, spec or policy (which rules). */
  reach: Reach;
  introduced: boolean | null;
  basis: Basis;
  policyRules: string[];
  /** Path of the finding file, relative to the project (e.g. crashes/0123abcd.json). */
  file: string;
  replay: string;
  /** The minimal scenario's CPU profile in words. */
  profile: string;
  summary: string;
  /** Not in crashes/ before this run. */
  new: boolean;
  hits: number;
  /** The first hit over all engines of the run: which engine, after how many scenarios and seconds. */
  firstHit: { engine: string; execs: number; seconds: number };
  /** Hits per engine. */
  byEngine: Record<string, number>;
  /** The sweep's spread of the signature over the profile space, in words (absent if the sweep did not hit it). */
  spread?: string;
}

export interface Summary {
  format: typeof SUMMARY_FORMAT;
  impl: string;
  against: string;
  /** The implementation that tells introduced from inherited findings (null: none). */
  baseline: string | null;
  /** The date-derived seed of a nightly, or the campaign seed. */
  seed: number;
  runs: EngineRun[];
  findings: SummaryFinding[];
  /** Divergence map panels from the sweep (empty when no sweep ran). */
  map: MapPanel[];
  /** A nightly's UTC date (YYYY-MM-DD), time budget in seconds, shard ("i/n") and wall-clock seconds. */
  date?: string;
  timeSeconds?: number;
  shard?: string;
  elapsedSeconds?: number;
  /** The shards a merged summary was made from ("i/n" each). */
  mergedShards?: string[];
  sweep?: SweepCoverage;
}
