// The compare command's table: one row per signature above info, each implementation's hits side by side.
import { severityRank, type Severity } from "../diff/classes";
import { compareTriage } from "../diff/labels";
import type { Summary, SummaryFinding } from "./summary-types";

/** The worst severity above info an implementation's summary holds ("none": nothing above info). */
export function worst(s: Summary): Severity | "none" {
  const above = s.findings.filter((f) => f.severity !== "info");
  return above.length === 0
    ? "none"
    : [...above].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0]!.severity;
}

/** Hits, marked + when that implementation introduced the signature and = when it inherited it. */
function hitsCell(f: SummaryFinding | undefined): string {
  if (!f) return "-";
  return `${f.hits}${f.introduced === true ? "+" : f.introduced === false ? "=" : ""}`;
}

/**
 * One row per signature above info: reach and basis (from the first implementation that has it), severity, and each
 * implementation's hits; rows in triage order (real CPUs first, introduced, spec, severity).
 */
export function comparisonTable(names: readonly string[], summaries: readonly Summary[]): string {
  const rows = new Map<string, (SummaryFinding | undefined)[]>();
  summaries.forEach((s, i) => {
    for (const f of s.findings) {
      if (f.severity === "info") continue;
      const row = rows.get(f.signature) ?? names.map(() => undefined);
      row[i] = f;
      rows.set(f.signature, row);
    }
  });
  const first = (r: (SummaryFinding | undefined)[]) => r.find((f) => f !== undefined)!;
  const sorted = [...rows.values()].sort((x, y) => compareTriage(first(x), first(y)));
  const head = `${"reach".padEnd(13)}${"basis".padEnd(7)}${"severity".padEnd(11)}${names.map((n) => n.padStart(12)).join("")}  signature`;
  const lines = sorted.map((r) => {
    const f = first(r);
    return (
      `${f.reach.kind.padEnd(13)}${f.basis.padEnd(7)}${f.severity.padEnd(11)}` +
      `${r.map((x) => hitsCell(x).padStart(12)).join("")}  ${f.signature}`
    );
  });
  const totals = `${"worst".padEnd(31)}${summaries.map((s) => worst(s).padStart(12)).join("")}`;
  const legend = "hits: + introduced by that implementation, = inherited from its baseline";
  return [head, ...lines, totals, legend].join("\n") + "\n";
}
