// `vmm-difffuzz series`: the sweep and a fixed random budget on the tree before the patch, the posted patch and each
// prefix of the patch series; one table of findings × variants shows which patch removes which finding, and that
// none adds one. `--sample N` runs every N-th point of the sweep instead of all; `--markdown` prints the table in
// Markdown; a FILE argument (the cover letter) gets it between its markers.
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { Severity } from "../diff/classes";
import { SERIES_PREFIXES } from "../port/variants/series";
import { catalogFindings } from "../engine/catalog-probes";
import { sweepSampleEngine, sweepSamplePoints } from "../engine/sweep-sample";
import { implementation, REFERENCE } from "../impls";
import { profileNames } from "../scenario/profiles";
import {
  catalogMarkdown,
  catalogRows,
  seriesMarkdown,
  seriesTable,
  seriesText,
  spliceTable,
  type CatalogRow,
  type VariantHits,
} from "../report/series-table";
import { writeFileAtomic } from "../store/atomic-write";
import { FUZZ_FLAGS } from "./commands";
import { argsOf, type ParsedArgs } from "./flags";
import { resolveFuzzOptions, runFuzz } from "./fuzz-command";
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, positiveInteger } from "./options";

const BASE = "pre-patch";
const POSTED = "posted";

/** The variants of the table, in column order. */
export function seriesColumns(): string[] {
  return [BASE, POSTED, ...SERIES_PREFIXES.map((v) => v.name)];
}

/** --sample N: every N-th point of the sweep (null: the whole sweep). */
function sampleOf(args: ParsedArgs): number | null {
  return flag(args, "sample") === undefined ? null : positiveInteger(args, "sample", 1);
}

async function hitsOf(args: ParsedArgs, variant: string, runs: number, io: Io): Promise<VariantHits> {
  const crashes = mkdtempSync(join(tmpdir(), "vmm-difffuzz-series-"));
  try {
    const common: [string, string[]][] = [
      ["impl", [variant]],
      ["crashes", [crashes]],
      ["quiet", ["true"]],
      ["no-minimize", ["true"]],
      ["seed", [flag(args, "seed")!]],
      ["jobs", [flag(args, "jobs")!]],
    ];
    // The whole sweep, or with --sample N every N-th point of it (a small budget); the random budget is --runs.
    const sample = sampleOf(args);
    const sweepFlags = new Map([...common, ["engine", ["sweep"]]]);
    if (sample !== null) sweepFlags.set("jobs", ["1"]);
    const sweepOptions = resolveFuzzOptions(argsOf(FUZZ_FLAGS, sweepFlags));
    const sweep = await runFuzz(sweepOptions, io, sample === null ? {} : { engine: sweepSampleEngine(sample) });
    const random = await runFuzz(
      resolveFuzzOptions(argsOf(FUZZ_FLAGS, new Map([...common, ["engine", ["random"]], ["runs", [String(runs)]]]))),
      io,
    );
    const hits = new Map<string, { count: number; severity: Severity }>();
    for (const r of [sweep, random]) {
      for (const [sig, h] of r.stats.hits) {
        const known = hits.get(sig);
        hits.set(sig, { count: (known?.count ?? 0) + h.count, severity: h.severity });
      }
    }
    return { variant, hits };
  } finally {
    rmSync(crashes, { recursive: true, force: true });
  }
}

export async function seriesCommand(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positional.length > 1) throw new UsageError("series takes at most one FILE (the cover letter)");
  const letter = args.positional[0];
  const runs = positiveInteger(args, "runs", 1);
  sampleOf(args);
  let letterText: string | null = null;
  if (letter !== undefined) {
    try {
      letterText = readFileSync(letter, "utf8");
    } catch (e) {
      io.err(`vmm-difffuzz series: ${letter}: ${(e as NodeJS.ErrnoException).code ?? "cannot be read"}\n`);
      return EXIT_BAD_INPUT;
    }
    if (spliceTable(letterText, "") === null) {
      io.err(`vmm-difffuzz series: ${letter}: no table markers (<!-- vmm-difffuzz series: begin/end -->)\n`);
      return EXIT_BAD_INPUT;
    }
  }
  const columns: VariantHits[] = [];
  for (const variant of seriesColumns()) {
    io.err(`series: ${variant}…\n`);
    columns.push(await hitsOf(args, variant, runs, io));
  }
  const table = seriesTable(
    columns,
    BASE,
    SERIES_PREFIXES.map((v) => v.name),
  );
  const last = SERIES_PREFIXES[SERIES_PREFIXES.length - 1]!.name;
  const onCatalog = (impl: string): CatalogRow[] =>
    catalogRows(catalogFindings(implementation(impl), implementation(REFERENCE)));
  const catalog = { posted: onCatalog(POSTED), last: onCatalog(last) };
  const sample = sampleOf(args);
  const budget =
    `sweep: ${sample === null ? "the whole profile space" : `one point in ${sample} of the profile space (${sweepSamplePoints(sample)} points)`}; ` +
    `random: ${runs} scenarios; seed ${flag(args, "seed")}; every finding against the reference model`;
  const markdown =
    `${budget}.\n\n${seriesMarkdown(table)}\n` +
    `The posted patch on each CPU of the catalog (the sweep's probes; guest/SYSCFG.MemEncryptionModEn:probe):\n\n` +
    `${catalogMarkdown(POSTED, catalog.posted, profileNames())}\n` +
    `The whole series (${last}) on the same CPUs:\n\n${catalogMarkdown(last, catalog.last, profileNames())}`;
  if (letter !== undefined && letterText !== null) writeFileAtomic(letter, spliceTable(letterText, markdown)!);
  if (bool(args, "markdown")) io.out(markdown);
  else {
    const lines = (impl: string, rows: CatalogRow[]) =>
      rows.length === 0
        ? `  ${impl}: nothing above info\n`
        : rows.map((r) => `  ${impl} ${r.profile.padEnd(16)} ${r.severity.padEnd(11)} ${r.signature}\n`).join("");
    io.out(
      `${budget}\n\n${seriesText(table)}\nOn the catalog's CPUs:\n${lines(POSTED, catalog.posted)}${lines(last, catalog.last)}`,
    );
  }
  const added = table.rows.some((r) => r.addedBy.length > 0 && r.severity !== "info");
  return added || catalog.last.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
