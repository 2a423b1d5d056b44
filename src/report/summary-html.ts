// summary.html: the same report as summary.md, one self-contained page with the divergence map's SVG inline.
import { REGISTRY, severityOrder, type Registry } from "../diff/classes";
import { divergenceSvg } from "./divergence-svg";
import { escapeXml as h } from "./escape";
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
import { basisWords, introducedWords, reachWords } from "./label-words";
import type { Summary } from "./summary-types";
import { mapPalette } from "./map-palette";
import { verdictOf } from "./verdict";

function style(registry: Registry): string {
  return `
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 14px; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; }
ul.about { margin: 0; padding-left: 20px; } ul.about li { margin: 2px 0; }
table { border-collapse: collapse; font-size: 12.5px; }
th, td { border: 1px solid #c8c8c8; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.num { text-align: right; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #000; white-space: nowrap; }
${severityCss(registry)}
.new { font-weight: bold; color: #B00020; }
.map { overflow-x: auto; } .map svg { max-width: 100%; height: auto; }
.verdict { font-size: 15px; max-width: 1100px; line-height: 1.45; }
tr.g-breaks td:first-child { border-left: 6px solid #D55E00; } tr.g-inherited td:first-child { border-left: 6px solid #E69F00; }
tr.g-policy td:first-child { border-left: 6px solid #56B4E9; } tr.g-exotic td:first-child { border-left: 6px solid #999; }
`;
}

/** One badge rule per severity, in the registry's colours. */
export function severityCss(registry: Registry = REGISTRY): string {
  return severityOrder(registry)
    .map((s) => `.sev-${s} { background: ${registry.severities[s].colour}; color: ${registry.severities[s].ink}; }`)
    .join("\n");
}

function sev(s: string): string {
  return `<span class="sev sev-${h(s)}">${h(s)}</span>`;
}

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((x) => `<th>${h(x)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function summaryHtml(s: Summary, registry: Registry = REGISTRY): string {
  const facts = summaryFacts(s);
  const verdict = verdictOf(s.findings, s);
  const parts: string[] = [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8"><title>${h(facts.title)}</title><style>${style(registry)}</style></head><body>`,
    `<h1>${h(facts.title)}</h1>`,
    `<h2>Review verdict</h2>`,
    `<p class="verdict">${h(verdict.text)}</p>`,
    `<table class="verdict-table">\n<thead><tr><th></th><th>findings</th><th>which</th></tr></thead>\n<tbody>`,
    ...verdict.rows.map(
      (r) =>
        `<tr class="g-${r.group}"><td>${h(r.title)}</td><td class="num">${r.findings.length}</td><td>${r.findings
          .map((f) => `${sev(f.severity)} <code>${h(f.signature)}</code>`)
          .join("<br>")}</td></tr>`,
    ),
    `</tbody>\n</table>`,
    `<ul class="about">`,
    ...facts.about.map((l) => `<li>${h(l)}</li>`),
    facts.coverage ? `<li>${h(facts.coverage)}</li>` : "",
    `<li>${count(verdict.real)} findings on real CPUs (${count(s.findings.length)} signatures in all), ${
      facts.newFindings.length > 0 ? `<span class="new">${facts.newFindings.length} new</span>` : "none new"
    } (new: not recorded in crashes/ or corpus/ before this run)</li>`,
    `</ul>`,
    `<h2>New since the last run</h2>`,
  ];
  if (facts.newFindings.length === 0)
    parts.push(`<p>Nothing new: every signature found was already recorded in crashes/ or corpus/.</p>`);
  else
    parts.push(
      `<ul>`,
      ...facts.newFindings.map(
        (f) =>
          `<li>${sev(f.severity)} ${h(f.class)}: ${h(f.summary)} <code>${h(f.signature)}</code> — <code>${h(f.replay)}</code></li>`,
      ),
      `</ul>`,
    );
  parts.push(`<h2>Divergence map</h2>`);
  if (s.map.length === 0) parts.push(`<p>No sweep ran: no map.</p>`);
  else
    parts.push(
      `<div class="map">${divergenceSvg(s.map, { palette: mapPalette(registry), title: "Divergence map", subtitle: facts.coverage ? `${facts.coverage}; colour: worst finding of the cell over the panel's C-bit positions` : undefined })}</div>`,
    );
  parts.push(`<h2>Findings</h2>`);
  if (s.findings.length === 0) parts.push(`<p>No finding: A and B agreed on every scenario.</p>`);
  else
    parts.push(
      table(
        [
          "new",
          "reach",
          "introduced",
          "basis",
          "severity",
          "class",
          "what happens",
          "signature",
          "minimal profile",
          "hits",
          "hits by engine",
          "first hit",
          "replay",
        ],
        s.findings.map((f) => [
          f.new ? `<span class="new">NEW</span>` : "",
          h(reachWords(f)),
          h(introducedWords(f)),
          h(basisWords(f)),
          sev(f.severity),
          h(f.class),
          h(f.summary),
          `<code>${h(f.signature)}</code>`,
          h(f.profile),
          count(f.hits),
          h(byEngineText(f)),
          h(firstHitText(f)),
          f.replay ? `<code>${h(f.replay)}</code>` : h(NOT_STORED),
        ]),
        [9],
      ),
      `<p>Sorted by reach (real CPUs first), then introduced before inherited, then spec before policy, then severity. First hit: the engine that hit the signature first, after how many of its scenarios and seconds of its campaign.</p>`,
    );
  parts.push(
    `<h2>Engines</h2>`,
    table(
      ENGINE_COLUMNS,
      facts.engines.map((e) => [
        h(e.engine),
        h(e.shards.join(", ")),
        String(e.jobs),
        count(e.execs),
        e.planned === undefined ? "" : `${count(e.planned)} (${percent(e.execs, e.planned)} ran)`,
        e.complete === undefined ? "" : e.complete ? "yes" : "no: stopped by the clock",
        h(seconds(e.seconds)),
        count(Math.round(e.execs / Math.max(e.seconds, 0.001))),
        String(e.signatures),
        String(e.firstToHit),
      ]),
      [2, 3, 4, 6, 7, 8, 9],
    ),
    `</body></html>`,
  );
  return `${parts.filter((p) => p !== "").join("\n")}\n`;
}
