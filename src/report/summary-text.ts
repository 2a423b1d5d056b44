// The end of a nightly's terminal output: engines, coverage, findings with their replay commands, files written.
import { NOT_STORED, byEngineText, count, firstHitText, seconds, summaryFacts } from "./summary-facts";
import type { Summary } from "./summary-types";

export function summaryText(s: Summary, dir: string): string {
  const facts = summaryFacts(s);
  const lines = [...facts.about];
  for (const e of facts.engines) {
    const plan =
      e.planned === undefined ? "" : ` of ${count(e.planned)} planned${e.complete ? "" : ", stopped by the clock"}`;
    lines.push(
      `  ${e.engine.padEnd(9)} ${count(e.execs)} scenarios${plan} in ${seconds(e.seconds)}, ${e.signatures} signatures`,
    );
  }
  if (facts.coverage) lines.push(facts.coverage);
  for (const f of s.findings) {
    lines.push(
      `  ${(f.new ? "NEW" : f.replay ? "known" : "info").padEnd(5)} [${f.severity}] ${f.class}: ${count(f.hits)} hits (${byEngineText(f)}), first ${firstHitText(f)}`,
    );
    lines.push(`        ${f.signature}`);
    lines.push(`        ${f.replay || NOT_STORED}`);
  }
  const fresh = facts.newFindings.length;
  lines.push(
    `${s.findings.length} signatures, ${fresh > 0 ? `${fresh} new (not recorded in crashes/ or corpus/)` : "none new"}; ` +
      `wrote ${dir}/summary.json, summary.md, summary.html, map.svg, crashes/`,
  );
  return `${lines.join("\n")}\n`;
}
