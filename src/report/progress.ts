// The status line: a fixed format with fixed tags, like libFuzzer's, for people and scripts.
import { SEVERITY_ORDER } from "../diff/classes";
import type { CampaignStats } from "../engine/campaign";

export type ProgressTag = "NEW" | "PULSE" | "DONE";

export function statusLine(tag: ProgressTag, stats: CampaignStats, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const bySeverity = SEVERITY_ORDER.map((s) => `${s}: ${stats.bySeverity[s] ?? 0}`).join(" ");
  const rate = Math.round(stats.execs / seconds);
  return `#${stats.execs}\t${tag}\telapsed: ${seconds.toFixed(1)}s exec/s: ${rate} sigs: ${stats.hits.size} ${bySeverity}`;
}
