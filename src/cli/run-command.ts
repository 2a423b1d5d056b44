// `vmm-difffuzz run --impl NAME FILE`: one implementation alone; each step's events in words, the final PTEs.
import { runScenario } from "../cpu/vcpu";
import { DEFAULT_IMPL, implementation } from "../impls";
import { outcomeText } from "../report/events-text";
import { profileWords } from "../report/profile-words";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { flag } from "./options";

export function runCommand(args: ParsedArgs, io: Io): number {
  const impl = implementation(flag(args, "impl") ?? DEFAULT_IMPL);
  if (args.positional.length !== 1) throw new UsageError("run takes exactly one FILE");
  const file = args.positional[0]!;
  const input = readInputFile(file);
  if (!input.ok) {
    io.err(`${input.error}\n`);
    return EXIT_BAD_INPUT;
  }
  const outcome = runScenario(input.scenario, impl.factory);
  io.out(`${file}: ${profileWords(input.scenario)}\n`);
  io.out(outcomeText(outcome, input.scenario.steps));
  return EXIT_OK;
}
