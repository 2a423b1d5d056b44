// `vmm-difffuzz report DIR [--out DIR]`: renders summary.md, summary.html and map.svg again from DIR/summary.json.
import { InputError } from "../scenario/json-reader";
import type { ParsedArgs } from "./flags";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { flag } from "./options";
import { readSummary, writeReports } from "../engine/driver/output-folder";

const ALLOWED = ["out", "help"];

export interface ReportCommandOptions {
  /** The folder holding summary.json. */
  readonly dir: string;
  /** Where to write (the folder itself by default). */
  readonly out: string;
}

export function resolveReportOptions(args: ParsedArgs): ReportCommandOptions {
  const odd = [...args.flags.keys()].find((k) => !ALLOWED.includes(k));
  if (odd) throw new UsageError(`--${odd} does not apply to report`);
  if (args.positional.length !== 1) throw new UsageError("needs exactly one folder holding summary.json");
  const dir = args.positional[0]!;
  return Object.freeze({ dir, out: flag(args, "out") ?? dir });
}

export function reportCommand(args: ParsedArgs, io: Io): number {
  const { dir, out } = resolveReportOptions(args);
  try {
    const written = writeReports(out, readSummary(dir), out !== dir);
    io.out(`wrote ${written.join(", ")}\n`);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`vmm-difffuzz report: ${e.line()}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}
