// Combines the reports of campaigns that ran one after another as parts of one engine's work (the nightly's sweep
// parts) into one report, as if one campaign had run them in order: counts summed, first hits offset by the
// scenarios and time of the parts before, sweep spreads and divergence maps merged.
import type { CampaignStats } from "../campaign";
import { DivergenceMap } from "../divergence-map";
import { SweepMap } from "../sweep-map";
import type { FuzzReport } from "./fuzz-campaign";
import type { FuzzOptions } from "./fuzz-options";

export function combineReports(reports: readonly FuzzReport[], options: FuzzOptions): FuzzReport {
  const stats: CampaignStats = { execs: 0, elapsedMs: 0, hits: new Map(), bySeverity: {} };
  const found: FuzzReport["found"] = [];
  const sweep = new SweepMap();
  const divergence = new DivergenceMap();
  let anySweep = false;
  const workerErrors: string[] = [];
  for (const r of reports) {
    const before = { execs: stats.execs, ms: stats.elapsedMs };
    for (const f of r.found) {
      if (found.some((g) => g.finding.signature === f.finding.signature)) continue;
      found.push({ ...f, execs: f.execs + before.execs, elapsedMs: f.elapsedMs + before.ms });
    }
    for (const [sig, hit] of r.stats.hits) {
      const mine = stats.hits.get(sig);
      if (mine) {
        mine.count += hit.count;
        continue;
      }
      stats.hits.set(sig, {
        ...hit,
        firstExecs: hit.firstExecs + before.execs,
        firstMs: hit.firstMs + before.ms,
      });
      stats.bySeverity[hit.severity] = (stats.bySeverity[hit.severity] ?? 0) + 1;
    }
    stats.execs += r.stats.execs;
    stats.elapsedMs += r.stats.elapsedMs;
    if (r.sweep) sweep.merge(r.sweep.spread);
    if (r.divergence) {
      anySweep = true;
      divergence.merge(r.divergence.panels());
    }
    workerErrors.push(...r.workerErrors);
  }
  return {
    options,
    jobs: Math.max(1, ...reports.map((r) => r.jobs)),
    stats,
    found,
    sweep: anySweep ? sweep : null,
    divergence: anySweep ? divergence : null,
    workerErrors,
  };
}
