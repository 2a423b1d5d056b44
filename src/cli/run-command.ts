// `vmm-difffuzz run --impl NAME FILE`: one implementation alone; each step's events in words, the final PTEs.
import { runScenario } from "../cpu/vcpu";
import { implementation } from "../impls";
import { outcomeText } from "../report/events-text";
import { profileWords } from "../report/profile-words";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag } from "./options";
import { outcomeJson } from "../report/json-outcome";

export interface RunCommandOptions {
  readonly impl: string;
  readonly file: string;
  readonly json: boolean;
}

export function resolveRunOptions(args: ParsedArgs): RunCommandOptions {
  const impl = implementation(flag(args, "impl")!).name;
  if (args.positional.length !== 1) throw new UsageError("run takes exactly one FILE");
  return Object.freeze({ impl, file: args.positional[0]!, json: bool(args, "json") });
}

export function runCommand(args: ParsedArgs, io: Io): number {
  const { file, json, ...o } = resolveRunOptions(args);
  const impl = implementation(o.impl);
  const input = readInputFile(file);
  if (!input.ok) {
    io.err(`${input.error}\n`);
    return EXIT_BAD_INPUT;
  }
  const outcome = runScenario(input.scenario, impl.factory);
  if (json) {
    const json = { file, impl: impl.name, profile: profileWords(input.scenario), outcome: outcomeJson(outcome) };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out(`${file}: ${profileWords(input.scenario)}\n`);
  io.out(outcomeText(outcome, input.scenario.steps));
  return EXIT_OK;
}
