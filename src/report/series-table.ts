// The patch series' table: one row per finding, one column per variant (the tree before the patch, the posted
// patch, each prefix of the series), and which patch of the series removes or adds it.
import { severityRank, type Severity } from "../diff/classes";

/** What one campaign (sweep + random budget) on one variant found: hits per signature, with its severity. */
export interface VariantHits {
  variant: string;
  hits: ReadonlyMap<string, { count: number; severity: Severity }>;
}

export interface SeriesRow {
  signature: string;
  severity: Severity;
  /** Hits per variant, in column order (0: not found). */
  hits: number[];
  /** Patch numbers (1-based) whose prefix no longer has the finding while the prefix before had it. */
  removedBy: number[];
  /** Patch numbers whose prefix has the finding while the prefix before did not. */
  addedBy: number[];
}

export interface SeriesTable {
  variants: string[];
  rows: SeriesRow[];
}

/**
 * The table of `columns`: `base` is the tree the series applies to (prefix 0), `prefixes` the series' prefixes in
 * order; other columns (e.g. the posted patch) are shown but take no part in removed/added.
 */
export function seriesTable(columns: readonly VariantHits[], base: string, prefixes: readonly string[]): SeriesTable {
  const variants = columns.map((c) => c.variant);
  const order = [base, ...prefixes].map((name) => {
    const i = variants.indexOf(name);
    if (i < 0) throw new Error(`series table: no column for ${name}`);
    return i;
  });
  const severities = new Map<string, Severity>();
  for (const c of columns) for (const [sig, h] of c.hits) if (!severities.has(sig)) severities.set(sig, h.severity);
  const rows = [...severities].map(([signature, severity]): SeriesRow => {
    const hits = columns.map((c) => c.hits.get(signature)?.count ?? 0);
    const removedBy: number[] = [];
    const addedBy: number[] = [];
    for (let n = 1; n < order.length; n++) {
      const before = hits[order[n - 1]!]! > 0;
      const after = hits[order[n]!]! > 0;
      if (before && !after) removedBy.push(n);
      if (!before && after) addedBy.push(n);
    }
    return { signature, severity, hits, removedBy, addedBy };
  });
  rows.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.signature.localeCompare(b.signature));
  return { variants, rows };
}

function patchList(ns: number[]): string {
  return ns.map((n) => String(n).padStart(4, "0")).join(", ");
}

function change(r: SeriesRow): string {
  const parts = [];
  if (r.removedBy.length > 0) parts.push(`removed by ${patchList(r.removedBy)}`);
  if (r.addedBy.length > 0) parts.push(`ADDED by ${patchList(r.addedBy)}`);
  return parts.join("; ") || "-";
}

/** Plain text, aligned columns: severity, the hits of each variant ("-" for none), the change, the signature. */
export function seriesText(t: SeriesTable): string {
  const w = Math.max(8, ...t.variants.map((v) => v.length)) + 2;
  const head = `${"severity".padEnd(11)}${t.variants.map((v) => v.padStart(w)).join("")}  ${"series".padEnd(22)}  finding`;
  const lines = t.rows.map(
    (r) =>
      `${r.severity.padEnd(11)}${r.hits.map((h) => (h === 0 ? "-" : String(h)).padStart(w)).join("")}  ${change(r).padEnd(22)}  ${r.signature}`,
  );
  return [head, ...lines].join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The same table in Markdown (GitHub pipe table). */
export function seriesMarkdown(t: SeriesTable): string {
  const head = `| finding | severity | ${t.variants.join(" | ")} | series |`;
  const rule = `|---|---|${t.variants.map(() => "---:").join("|")}|---|`;
  const lines = t.rows.map(
    (r) =>
      `| \`${cell(r.signature)}\` | ${r.severity} | ${r.hits.map((h) => (h === 0 ? "-" : String(h))).join(" | ")} | ${change(r)} |`,
  );
  return [head, rule, ...lines].join("\n") + "\n";
}

export const TABLE_BEGIN = "<!-- vmm-difffuzz series: begin -->";
export const TABLE_END = "<!-- vmm-difffuzz series: end -->";

/** `text` with the lines between the begin and end markers replaced by `table`; null when a marker is missing. */
export function spliceTable(text: string, table: string): string | null {
  const begin = text.indexOf(TABLE_BEGIN);
  const end = text.indexOf(TABLE_END);
  if (begin < 0 || end < begin) return null;
  return `${text.slice(0, begin + TABLE_BEGIN.length)}\n${table}${text.slice(end)}`;
}

/** One line of the catalog table: a finding on one named CPU profile, and the guests and probes it shows in. */
export interface CatalogRow {
  profile: string;
  signature: string;
  severity: Severity;
  /** "sev-es, memEncrypt on: ghcb-mmio, pvclock-mmio" … */
  where: string[];
}

/** Groups catalog hits by profile and signature, in the catalog's order, worst severity first within a profile. */
export function catalogRows(
  hits: readonly {
    profile: string;
    kind: string;
    memEncrypt: boolean;
    probe: string;
    signature: string;
    severity: Severity;
  }[],
): CatalogRow[] {
  const rows = new Map<string, CatalogRow & { order: number }>();
  hits.forEach((h, order) => {
    const key = `${h.profile}\u0000${h.signature}`;
    const row = rows.get(key) ?? { profile: h.profile, signature: h.signature, severity: h.severity, where: [], order };
    const w = `${h.kind}/${h.memEncrypt ? "enc" : "noenc"}:${h.probe}`;
    if (!row.where.includes(w)) row.where.push(w);
    rows.set(key, row);
  });
  const profiles = [...new Set(hits.map((h) => h.profile))];
  return [...rows.values()]
    .sort(
      (a, b) =>
        profiles.indexOf(a.profile) - profiles.indexOf(b.profile) ||
        severityRank(a.severity) - severityRank(b.severity) ||
        a.signature.localeCompare(b.signature),
    )
    .map(({ order: _order, ...r }) => r);
}

/** The catalog table in Markdown: profile, severity, finding, where (guest/encryption:probe). */
export function catalogMarkdown(impl: string, rows: readonly CatalogRow[], profiles: readonly string[]): string {
  const lines = [`| CPU profile | severity | finding of \`${impl}\` | guest/SYSCFG:probe |`, "|---|---|---|---|"];
  for (const p of profiles) {
    const mine = rows.filter((r) => r.profile === p);
    if (mine.length === 0) lines.push(`| ${p} | - | none | |`);
    for (const r of mine) lines.push(`| ${p} | ${r.severity} | \`${cell(r.signature)}\` | ${r.where.join(", ")} |`);
  }
  return lines.join("\n") + "\n";
}
