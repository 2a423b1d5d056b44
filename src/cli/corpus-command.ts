// `vmm-difffuzz corpus add FILE…`: promotes scenarios or findings into corpus/ with their current results.
import { expectationsOf } from "../engine/expectations";
import { addToCorpus } from "../store/corpus";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag } from "./options";

export interface CorpusCommandOptions {
  /** The corpus folder. */
  readonly dir: string;
  readonly files: readonly string[];
  readonly json: boolean;
}

export function resolveCorpusOptions(args: ParsedArgs): CorpusCommandOptions {
  const [sub, ...files] = args.positional;
  if (sub !== "add") throw new UsageError(`corpus needs a subcommand: corpus add FILE… (got "${sub ?? ""}")`);
  if (files.length === 0) throw new UsageError("corpus add needs at least one FILE");
  return Object.freeze({ dir: flag(args, "corpus")!, files: Object.freeze(files), json: bool(args, "json") });
}

export function corpusCommand(args: ParsedArgs, io: Io): number {
  const { dir, files, json } = resolveCorpusOptions(args);
  let status = EXIT_OK;
  const added: { file: string; path: string; existed: boolean }[] = [];
  for (const file of files) {
    const input = readInputFile(file);
    if (!input.ok) {
      io.err(`${input.error}\n`);
      status = EXIT_BAD_INPUT;
      continue;
    }
    const note = input.kind === "finding" ? `${input.finding.class}: ${input.finding.summary}` : input.scenario.note;
    const { path, existed } = addToCorpus(dir, { ...input.scenario, note }, expectationsOf(input.scenario));
    added.push({ file, path, existed });
    if (!json) io.out(`${existed ? "updated" : "added"} ${path}\n`);
  }
  if (json) io.out(`${JSON.stringify(added, null, 2)}\n`);
  return status;
}
