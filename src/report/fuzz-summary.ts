// A fuzz campaign's report as the fuzz command prints it: a table of its findings in words, or JSON.
import { compareTriage } from "../diff/labels";
import { isNew, type FuzzReport } from "../engine/driver/fuzz-campaign";
import { spreadText } from "../engine/sweep-map";
import { DEFAULT_IMPL } from "../impl-names";
import { labelLine } from "./label-words";

export function fuzzSummaryText(r: FuzzReport): string {
  const lines: string[] = [];
  const { stats } = r;
  const seconds = stats.elapsedMs / 1000;
  lines.push(
    `${r.options.engine} engine, seed ${r.options.seed}, ${r.options.impl} vs ${r.options.against}: ` +
      `${stats.execs} scenarios in ${seconds.toFixed(1)} s (${Math.round(stats.execs / Math.max(seconds, 0.001))}/s), ` +
      `${stats.hits.size} signatures`,
  );
  const rows = [...r.found].sort((x, y) => compareTriage(x.file, y.file) || x.execs - y.execs);
  for (const f of rows) {
    const hit = stats.hits.get(f.finding.signature)!;
    const status = f.stored === "info" ? "info" : f.known ? "known" : "NEW";
    lines.push(
      `  ${status.padEnd(5)} [${f.finding.severity}] ${f.finding.class}: ${hit.count} hits, first at #${f.execs} (${(f.elapsedMs / 1000).toFixed(1)} s)`,
    );
    lines.push(`        ${f.file.summary}`);
    lines.push(`        ${labelLine(f.file)}`);
    lines.push(`        ${f.finding.signature}`);
    if (r.sweep) {
      const spread = r.sweep.spread.get(f.finding.signature);
      if (spread) lines.push(`        ${spread.points} profiles: ${spreadText(spread)}`);
    }
    if (f.path !== null)
      lines.push(
        `        vmm-difffuzz replay${r.options.impl === DEFAULT_IMPL ? "" : ` --impl ${r.options.impl}`} ${f.path}`,
      );
  }
  const newCount = r.found.filter(isNew).length;
  const known = r.options.known.length > 0 ? ` (known: ${r.options.known.join(", ")})` : "";
  lines.push(
    newCount === 0
      ? `no new signature${known}`
      : r.options.crashesDir === null
        ? `${newCount} new signature(s), not stored: rerun with --crashes DIR to write their finding files`
        : `${newCount} new signature(s) stored in ${r.options.crashesDir}/`,
  );
  return `${lines.join("\n")}\n`;
}

export function fuzzReportJson(r: FuzzReport): unknown {
  return {
    engine: r.options.engine,
    seed: r.options.seed,
    impl: r.options.impl,
    against: r.options.against,
    execs: r.stats.execs,
    elapsedSeconds: r.stats.elapsedMs / 1000,
    baseline: r.options.baseline,
    findings: [...r.found]
      .sort((x, y) => compareTriage(x.file, y.file) || x.execs - y.execs)
      .map((f) => ({
        class: f.finding.class,
        severity: f.finding.severity,
        signature: f.finding.signature,
        words: f.file.summary,
        step: f.finding.step,
        reach: f.file.reach,
        introduced: f.file.introduced,
        basis: f.file.basis,
        policyRules: f.file.policyRules,
        known: f.known,
        hits: r.stats.hits.get(f.finding.signature)?.count ?? 0,
        firstExecs: f.execs,
        file: f.path,
        spread: r.sweep?.spread.get(f.finding.signature)
          ? spreadText(r.sweep.spread.get(f.finding.signature)!)
          : undefined,
      })),
  };
}
