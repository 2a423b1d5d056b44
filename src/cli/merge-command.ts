// `vmm-difffuzz merge DIR… --out DIR`: one summary and one crashes/ from several shard output folders.
import { mergeFolders } from "../engine/driver/merge-folders";
import { MergeError } from "../report/merge";
import { InputError } from "../scenario/json-reader";
import type { ParsedArgs } from "./flags";
import { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { flag } from "./options";

const ALLOWED = ["out", "help"];

export interface MergeCommandOptions {
  /** The shard output folders. */
  readonly dirs: readonly string[];
  readonly out: string;
}

export function resolveMergeOptions(args: ParsedArgs): MergeCommandOptions {
  const odd = [...args.flags.keys()].find((k) => !ALLOWED.includes(k));
  if (odd) throw new UsageError(`--${odd} does not apply to merge`);
  const out = flag(args, "out");
  if (out === undefined || out === "") throw new UsageError("needs --out DIR (where the merged folder goes)");
  if (args.positional.length === 0) throw new UsageError("needs one or more shard output folders");
  return Object.freeze({ dirs: Object.freeze([...args.positional]), out });
}

export function mergeCommand(args: ParsedArgs, io: Io): number {
  const { dirs, out } = resolveMergeOptions(args);
  try {
    const { summary, findingFiles } = mergeFolders(dirs, out);
    const fresh = summary.findings.filter((f) => f.new).length;
    io.out(
      `merged ${dirs.length} folders: ${summary.findings.length} signatures (${fresh} new), ` +
        `${findingFiles} finding files; wrote ${out}/summary.json, summary.md, summary.html, map.svg, crashes/\n`,
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
