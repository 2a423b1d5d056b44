// `vmm-difffuzz series`: the sweep and a fixed random budget on the tree before the patch, the posted patch and each
// prefix of the patch series; one table of findings × variants shows which patch removes which finding, and that
// none adds one. `--sample N` runs every N-th point of the sweep instead of all; `--markdown` prints the table in
// Markdown; a FILE argument (the cover letter) gets it between its markers.
import { readFileSync } from "fs";
import { catalogFindings } from "../engine/catalog-probes";
import {
  SERIES_BASE,
  SERIES_POSTED,
  seriesColumns,
  variantHits,
  type SeriesOptions,
} from "../engine/driver/series-run";
import { sweepSamplePoints } from "../engine/sweep-sample";
import { implementation, REFERENCE } from "../impls";
import { SERIES_PREFIXES } from "../port/variants/series";
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
import { campaignOptions } from "./campaign-options";
import type { ParsedArgs } from "./flags";
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, positiveInteger } from "./options";

export { seriesColumns };

export interface SeriesCommandOptions extends SeriesOptions {
  /** The cover letter that gets the table between its markers (null: none). */
  readonly letter: string | null;
  readonly markdown: boolean;
}

export function resolveSeriesOptions(args: ParsedArgs): SeriesCommandOptions {
  if (args.positional.length > 1) throw new UsageError("series takes at most one FILE (the cover letter)");
  const runs = positiveInteger(args, "runs", 1);
  const sample = flag(args, "sample") === undefined ? null : positiveInteger(args, "sample", 1);
  return Object.freeze({
    campaign: campaignOptions(args, { minimize: false }),
    runs,
    sample,
    letter: args.positional[0] ?? null,
    markdown: bool(args, "markdown"),
  });
}

export async function seriesCommand(args: ParsedArgs, io: Io): Promise<number> {
  const o = resolveSeriesOptions(args);
  const { letter, runs, sample } = o;
  let letterText: string | null = null;
  if (letter !== null) {
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
    columns.push(await variantHits(o, variant));
  }
  const table = seriesTable(
    columns,
    SERIES_BASE,
    SERIES_PREFIXES.map((v) => v.name),
  );
  const last = SERIES_PREFIXES[SERIES_PREFIXES.length - 1]!.name;
  const onCatalog = (impl: string): CatalogRow[] =>
    catalogRows(catalogFindings(implementation(impl), implementation(REFERENCE)));
  const catalog = { posted: onCatalog(SERIES_POSTED), last: onCatalog(last) };
  const budget =
    `sweep: ${sample === null ? "the whole profile space" : `one point in ${sample} of the profile space (${sweepSamplePoints(sample)} points)`}; ` +
    `random: ${runs} scenarios; seed ${o.campaign.seed}; every finding against the reference model`;
  const markdown =
    `${budget}.\n\n${seriesMarkdown(table)}\n` +
    `The posted patch on each CPU of the catalog (the sweep's probes; guest/SYSCFG.MemEncryptionModEn:probe):\n\n` +
    `${catalogMarkdown(SERIES_POSTED, catalog.posted, profileNames())}\n` +
    `The whole series (${last}) on the same CPUs:\n\n${catalogMarkdown(last, catalog.last, profileNames())}`;
  if (letter !== null && letterText !== null) writeFileAtomic(letter, spliceTable(letterText, markdown)!);
  if (o.markdown) io.out(markdown);
  else {
    const lines = (impl: string, rows: CatalogRow[]) =>
      rows.length === 0
        ? `  ${impl}: nothing above info\n`
        : rows.map((r) => `  ${impl} ${r.profile.padEnd(16)} ${r.severity.padEnd(11)} ${r.signature}\n`).join("");
    io.out(
      `${budget}\n\n${seriesText(table)}\nOn the catalog's CPUs:\n${lines(SERIES_POSTED, catalog.posted)}${lines(last, catalog.last)}`,
    );
  }
  const added = table.rows.some((r) => r.addedBy.length > 0 && r.severity !== "info");
  return added || catalog.last.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
