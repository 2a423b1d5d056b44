// The patch series' campaigns: on each variant (the tree before the patch, the posted patch, each prefix of the
// series) the sweep, or every N-th point of it, and a fixed random budget; the hits of every signature per variant.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { Severity } from "../../diff/classes";
import { baselineName } from "../../impls";
import { SERIES_PREFIXES } from "../../port/variants/series";
import type { VariantHits } from "../../report/series-table";
import { sweepSampleEngine } from "../sweep-sample";
import { runFuzz } from "./fuzz-campaign";
import { withOptions, type FuzzOptions } from "./fuzz-options";

export const SERIES_BASE = "pre-patch";
export const SERIES_POSTED = "posted";

/** The variants of the table, in column order. */
export function seriesColumns(): string[] {
  return [SERIES_BASE, SERIES_POSTED, ...SERIES_PREFIXES.map((v) => v.name)];
}

export interface SeriesOptions {
  /** Seed, jobs and known folders of every campaign (stored nowhere, not minimized). */
  readonly campaign: FuzzOptions;
  /** Random scenarios per variant. */
  readonly runs: number;
  /** Every N-th point of the sweep (null: the whole sweep). */
  readonly sample: number | null;
}

/** One variant's sweep and random campaigns, their hits added up. */
export async function variantHits(o: SeriesOptions, variant: string): Promise<VariantHits> {
  // Finding files are not the table's business: they go to a folder removed afterwards.
  const crashes = mkdtempSync(join(tmpdir(), "vmm-difffuzz-series-"));
  try {
    const base = withOptions(o.campaign, {
      impl: variant,
      baseline: baselineName(undefined, variant),
      crashesDir: crashes,
      minimize: false,
    });
    // The whole sweep, or with a sample every N-th point of it in one thread; the random budget is `runs`.
    const sweepOptions = withOptions(base, {
      engine: "sweep",
      runs: Infinity,
      timeMs: Infinity,
      ...(o.sample === null ? {} : { jobs: 1 }),
    });
    const sweep = await runFuzz(sweepOptions, o.sample === null ? {} : { engine: sweepSampleEngine(o.sample) });
    const random = await runFuzz(withOptions(base, { engine: "random", runs: o.runs, timeMs: Infinity }));
    const hits = new Map<string, { count: number; severity: Severity }>();
    for (const r of [sweep, random]) {
      for (const [sig, h] of r.stats.hits) {
        const known = hits.get(sig);
        hits.set(sig, { count: (known?.count ?? 0) + h.count, severity: h.severity });
      }
    }
    return { variant, hits };
  } finally {
    rmSync(crashes, { recursive: true, force: true });
  }
}
