// The status line: a fixed format with fixed tags, like libFuzzer's, for people and scripts; under 80 columns.
import { REGISTRY, severityOrder, type Registry } from "../diff/classes";
import type { CampaignStats } from "../engine/campaign";

export type ProgressTag = "NEW" | "PULSE" | "DONE";

/** Elapsed time in at most 6 characters: "12.3s", "754s", "3h05m". */
function elapsedText(seconds: number): string {
  if (seconds < 100) return `${seconds.toFixed(1)}s`;
  if (seconds < 3600) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** "#52310 PULSE 12.0s 4359/s sigs 30 sec 4 crash 3 func 11 bug 0 ub 1 info 11". */
export function statusLine(
  tag: ProgressTag,
  stats: CampaignStats,
  elapsedMs: number,
  registry: Registry = REGISTRY,
): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const bySeverity = severityOrder(registry)
    .map((s) => `${registry.severities[s].short} ${stats.bySeverity[s] ?? 0}`)
    .join(" ");
  const rate = Math.round(stats.execs / seconds);
  return `#${stats.execs} ${tag} ${elapsedText(seconds)} ${rate}/s sigs ${stats.hits.size} ${bySeverity}`;
}

/** A line redrawn in place on a terminal must not wrap: it is cut to the terminal's width. */
export function fitLine(line: string, columns = 80): string {
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
}
