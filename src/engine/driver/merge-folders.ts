// Merging shard output folders: one summary and one crashes/ (each signature's smallest file) in a new folder.
import { join } from "path";
import { mergeSummaries } from "../../report/merge";
import type { Summary } from "../../report/summary-types";
import { CrashStore } from "../../store/crash-store";
import type { FindingFile } from "../../store/finding-file";
import { CRASHES, readCrashes, readSummary, relativeFinding, writeCrashes, writeReports } from "./output-folder";

/** Writes the merged folder `out`; its summary and how many finding files it holds. Bad input: InputError, MergeError. */
export function mergeFolders(dirs: readonly string[], out: string): { summary: Summary; findingFiles: number } {
  const summaries = dirs.map(readSummary);
  const files: FindingFile[] = dirs.flatMap((dir) => readCrashes(dir).all());
  const summary = mergeSummaries(summaries);
  writeCrashes(out, files);
  const merged = new CrashStore(join(out, CRASHES));
  for (const f of summary.findings) {
    const file = merged
      .all()
      .find((x) => x.signature === f.signature && x.impl === summary.impl && x.against === summary.against);
    if (file) Object.assign(f, relativeFinding(merged, file));
  }
  writeReports(out, summary);
  return { summary, findingFiles: merged.all().length };
}
