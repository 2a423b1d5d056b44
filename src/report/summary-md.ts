// summary.md: what a campaign or nightly found, as Markdown (findings table, engines, coverage, the map's image).
import { escapeMdCell, mdCode } from "./escape";
import {
  ENGINE_COLUMNS,
  NOT_STORED,
  byEngineText,
  count,
  firstHitText,
  percent,
  seconds,
  summaryFacts,
} from "./summary-facts";
import type { Summary } from "./summary-types";

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(escapeMdCell).join(" | ")} |`),
  ];
}

export function summaryMarkdown(s: Summary, mapFile = "map.svg"): string {
  const facts = summaryFacts(s);
  const out: string[] = [`# ${facts.title}`, ""];
  for (const line of facts.about) out.push(`- ${line}`);
  if (facts.coverage) out.push(`- ${facts.coverage}`);
  out.push(
    `- ${count(s.findings.length)} signatures, ${facts.newFindings.length > 0 ? `**${facts.newFindings.length} new**` : "none new"} (new: not recorded in crashes/ or corpus/ before this run)`,
    "",
    "## New since the last run",
    "",
  );
  if (facts.newFindings.length === 0)
    out.push("Nothing new: every signature found was already recorded in crashes/ or corpus/.");
  for (const f of facts.newFindings)
    out.push(`- **${f.severity}** ${f.class}: ${f.summary} ${mdCode(f.signature)} — replay: ${mdCode(f.replay)}`);
  out.push("", "## Findings", "");
  if (s.findings.length === 0) out.push("No finding: A and B agreed on every scenario.");
  else
    out.push(
      ...table(
        [
          "new",
          "severity",
          "class",
          "what happens",
          "signature",
          "minimal profile",
          "hits by engine",
          "first hit",
          "replay",
        ],
        s.findings.map((f) => [
          f.new ? "NEW" : "",
          f.severity,
          f.class,
          f.summary,
          mdCode(f.signature),
          f.profile,
          byEngineText(f),
          firstHitText(f),
          f.replay ? mdCode(f.replay) : NOT_STORED,
        ]),
      ),
    );
  out.push(
    "",
    "First hit: the engine that hit the signature first, after how many of its scenarios and seconds of its campaign.",
    "",
    "## Engines",
    "",
    ...table(
      ENGINE_COLUMNS,
      facts.engines.map((e) => [
        e.engine,
        e.shards.join(", "),
        String(e.jobs),
        count(e.execs),
        e.planned === undefined ? "" : `${count(e.planned)} (${percent(e.execs, e.planned)} ran)`,
        e.complete === undefined ? "" : e.complete ? "yes" : "no: stopped by the clock",
        seconds(e.seconds),
        count(Math.round(e.execs / Math.max(e.seconds, 0.001))),
        String(e.signatures),
        String(e.firstToHit),
      ]),
    ),
    "",
    "## Divergence map",
    "",
  );
  if (s.map.length === 0) out.push("No sweep ran: no map.");
  else
    out.push(
      `![Divergence map: worst finding per (PhysAddrSize, PhysAddrReduction) cell](${mapFile})`,
      "",
      "x = PhysAddrSize (0–255), y = PhysAddrReduction (0–63); one panel per guest kind × memEncrypt × C-bit " +
        "placement relative to the reduction window; circles mark the named real CPU profiles.",
    );
  return `${out.join("\n")}\n`;
}
