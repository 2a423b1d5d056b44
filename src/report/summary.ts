// Builds summary.json's data from the reports of one or more fuzz campaigns of the same implementations.
import type { FuzzReport } from "../engine/driver/fuzz-campaign";
import { compareTriage } from "../diff/labels";
import { DivergenceMap } from "../engine/divergence-map";
import { spreadText } from "../engine/sweep-map";
import type { CrashStore } from "../store/crash-store";
import { replayCommand } from "../store/finding-file";
import { findingWords } from "./finding-words";
import { SUMMARY_FORMAT, type Summary, type SummaryFinding } from "./summary-types";

export function summaryOf(reports: readonly FuzzReport[], store: CrashStore, seed: number): Summary {
  const first = reports[0];
  if (!first) throw new Error("a summary needs at least one campaign report");
  const { impl, against } = first.options;
  const bySignature = new Map<string, SummaryFinding>();
  const map = new DivergenceMap();
  for (const r of reports) {
    if (r.divergence) map.merge(r.divergence.panels());
    for (const f of r.found) {
      const hits = r.stats.hits.get(f.finding.signature)?.count ?? 1;
      const seconds = f.elapsedMs / 1000;
      const spreadOf = r.sweep?.spread.get(f.finding.signature);
      const known = bySignature.get(f.finding.signature);
      if (known) {
        known.hits += hits;
        known.byEngine[r.options.engine] = (known.byEngine[r.options.engine] ?? 0) + hits;
        known.new &&= !f.known && f.stored !== "info";
        if (seconds < known.firstHit.seconds) known.firstHit = { engine: r.options.engine, execs: f.execs, seconds };
        if (spreadOf && !known.spread) known.spread = spreadText(spreadOf);
        continue;
      }
      const file = store
        .all()
        .find((x) => x.signature === f.finding.signature && x.impl === impl && x.against === against);
      const path = store.pathOf({ signature: f.finding.signature, impl, against });
      bySignature.set(f.finding.signature, {
        class: f.finding.class,
        severity: f.finding.severity,
        signature: f.finding.signature,
        reach: f.file.reach,
        introduced: f.file.introduced,
        basis: f.file.basis,
        policyRules: f.file.policyRules,
        file: path,
        replay: file ? replayCommand(file, path) : `vmm-difffuzz replay ${path}`,
        profile: file?.profile ?? "",
        summary: file?.summary ?? findingWords(f.finding.signature),
        new: !f.known && f.stored !== "info",
        hits,
        firstHit: { engine: r.options.engine, execs: f.execs, seconds },
        byEngine: { [r.options.engine]: hits },
        ...(spreadOf ? { spread: spreadText(spreadOf) } : {}),
      });
    }
  }
  const findings = [...bySignature.values()].sort(compareTriage);
  return {
    format: SUMMARY_FORMAT,
    impl,
    against,
    baseline: first.options.baseline,
    seed,
    runs: reports.map((r) => ({
      engine: r.options.engine,
      seed: r.options.seed,
      shard: `${r.options.shard.index}/${r.options.shard.count}`,
      jobs: r.jobs,
      execs: r.stats.execs,
      seconds: r.stats.elapsedMs / 1000,
    })),
    findings,
    map: map.panels(),
  };
}
