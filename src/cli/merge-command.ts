// `vmm-difffuzz merge DIR… --out DIR`: one summary and one crashes/ from several shard output folders.
import { MergeError, mergeSummaries } from "../report/merge";
import { InputError } from "../scenario/json-reader";
import type { FindingFile } from "../store/finding-file";
import type { ParsedArgs } from "./flags";
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { flag } from "./options";
import { readCrashes, readSummary, relativeFinding, writeCrashes, writeReports } from "../engine/driver/output-folder";
import { CrashStore } from "../store/crash-store";
import { join } from "path";

const ALLOWED = ["out", "help"];

export function mergeCommand(args: ParsedArgs, io: Io): number {
  const odd = [...args.flags.keys()].find((k) => !ALLOWED.includes(k));
  if (odd) throw new UsageError(`--${odd} does not apply to merge`);
  const out = flag(args, "out");
  if (out === undefined || out === "") throw new UsageError("needs --out DIR (where the merged folder goes)");
  if (args.positional.length === 0) throw new UsageError("needs one or more shard output folders");
  try {
    const summaries = args.positional.map(readSummary);
    const files: FindingFile[] = args.positional.flatMap((dir) => readCrashes(dir).all());
    const summary = mergeSummaries(summaries);
    writeCrashes(out, files);
    const merged = new CrashStore(join(out, "crashes"));
    for (const f of summary.findings) {
      const file = merged
        .all()
        .find((x) => x.signature === f.signature && x.impl === summary.impl && x.against === summary.against);
      if (file) Object.assign(f, relativeFinding(merged, file));
    }
    writeReports(out, summary);
    const fresh = summary.findings.filter((f) => f.new).length;
    io.out(
      `merged ${args.positional.length} folders: ${summary.findings.length} signatures (${fresh} new), ` +
        `${merged.all().length} finding files; wrote ${out}/summary.json, summary.md, summary.html, map.svg, crashes/\n`,
    );
    return fresh > 0 ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`vmm-difffuzz merge: ${e.line()}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }
}
