// The output folder that nightly, merge and report write, and merge and report read:
//   DIR/summary.json   the Summary (the only input merge and report need besides crashes/)
//   DIR/summary.md     the report in Markdown, with map.svg as its image
//   DIR/summary.html   the same report as one page, the map's SVG inline
//   DIR/map.svg        the divergence map
//   DIR/crashes/       the finding file of every signature in the summary (the smallest scenario known)
// Finding paths in the summary (`file`, `replay`) are relative to DIR: crashes/<name>.json.
import { existsSync, readdirSync, rmSync } from "fs";
import { basename, join, resolve } from "path";
import { InputError, readInputText } from "../../scenario/json-reader";
import { CrashStore } from "../../store/crash-store";
import { writeFileAtomic } from "../../store/atomic-write";
import { replayCommand, type FindingFile } from "../../store/finding-file";
import { divergenceSvg } from "../../report/divergence-svg";
import { summaryFacts } from "../../report/summary-facts";
import { summaryHtml } from "../../report/summary-html";
import { decodeSummary, encodeSummary } from "../../report/summary-json";
import { summaryMarkdown } from "../../report/summary-md";
import type { Summary } from "../../report/summary-types";

export const SUMMARY_JSON = "summary.json";
export const CRASHES = "crashes";

/** The name a finding file has in any crashes/ folder. */
export function findingName(store: CrashStore, f: Pick<FindingFile, "signature" | "impl" | "against">): string {
  return basename(store.pathOf(f));
}

/** The finding's path and replay command relative to an output folder. */
export function relativeFinding(store: CrashStore, file: FindingFile): { file: string; replay: string } {
  const path = `${CRASHES}/${findingName(store, file)}`;
  return { file: path, replay: replayCommand(file, path) };
}

/** Writes summary.json, summary.md, summary.html and map.svg; returns the paths written. */
export function writeReports(dir: string, summary: Summary, withJson = true): string[] {
  const facts = summaryFacts(summary);
  const files: [string, string][] = [
    ["summary.md", summaryMarkdown(summary)],
    ["summary.html", summaryHtml(summary)],
    [
      "map.svg",
      divergenceSvg(summary.map, {
        title: `Divergence map: ${summary.impl} vs ${summary.against}`,
        subtitle: facts.coverage,
      }),
    ],
  ];
  if (withJson) files.unshift([SUMMARY_JSON, encodeSummary(summary)]);
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    return path;
  });
}

/** Reads DIR/summary.json; bad or missing input is an InputError naming the file. */
export function readSummary(dir: string): Summary {
  const path = join(dir, SUMMARY_JSON);
  const text = readInputText(path);
  try {
    return decodeSummary(text);
  } catch (e) {
    if (e instanceof InputError) e.file = path;
    throw e;
  }
}

/** Loads DIR/crashes/ (empty when absent); a bad finding file is an InputError naming it. */
export function readCrashes(dir: string): CrashStore {
  return new CrashStore(join(dir, CRASHES));
}

/** Removes the finding files an earlier run left in DIR/crashes/. */
export function clearCrashes(dir: string): void {
  const target = join(dir, CRASHES);
  if (existsSync(target))
    for (const name of readdirSync(target)) if (name.endsWith(".json")) rmSync(join(target, name), { force: true });
}

/**
 * Makes DIR/crashes/ hold exactly `files` (each saved through CrashStore, so one file per signature, the smaller
 * scenario kept). Finding files left there by an earlier run into the same DIR are removed first; when DIR/crashes/
 * is the crash store itself, nothing is removed or copied.
 */
export function writeCrashes(dir: string, files: readonly FindingFile[], storeDir?: string): void {
  const target = join(dir, CRASHES);
  if (storeDir !== undefined && resolve(storeDir) === resolve(target)) return;
  clearCrashes(dir);
  const out = new CrashStore(target);
  for (const f of files) out.save(f);
}
