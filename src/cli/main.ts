// The command-line entry: the only place that reads argv, catches errors and sets the exit code.
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { COMMANDS, commandsWithFlag, type Command } from "./commands";
import { flagHelp, parseArgs } from "./flags";
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, processIo, UsageError, type Io } from "./io";
import { InputError } from "../scenario/json-reader";

export { addCommand } from "./commands";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.help}`);
  return (
    `usage: vmm-difffuzz COMMAND [options] [--] [FILE…]\n\ncommands:\n${lines.join("\n")}\n\n` +
    `options of every command:\n  -h, --help     show the command's help and flags\n  --version      print the version\n\n` +
    `exit codes: 0 nothing new / agreement, 1 findings or divergence, 2 bad usage or input, 130 interrupted\n`
  );
}

function commandHelp(c: Command): string {
  return `usage: vmm-difffuzz ${c.usage}\n  ${c.help}\n\noptions:\n${flagHelp(c.flags)}\n`;
}

/** The package's version, read from package.json above this file (src/cli or dist/src/cli). */
export function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (existsSync(p)) return (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version;
  }
  return "unknown";
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  if (name === "--version") {
    io.out(`vmm-difffuzz ${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`vmm-difffuzz: unknown command "${name}" (see vmm-difffuzz --help)\n`);
    return EXIT_BAD_INPUT;
  }
  const args = parseArgs(rest, command.flags, (flag) => commandsWithFlag(flag).join(", ") || null);
  if (typeof args === "string") {
    io.err(`vmm-difffuzz ${name}: ${args} (see vmm-difffuzz ${name} --help)\n`);
    return EXIT_BAD_INPUT;
  }
  if (args.flags.has("help")) {
    io.out(commandHelp(command));
    return 0;
  }
  if (args.flags.has("version")) {
    io.out(`vmm-difffuzz ${version()}\n`);
    return 0;
  }
  try {
    const run = await command.load();
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`vmm-difffuzz ${name}: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof InputError) {
      io.err(`vmm-difffuzz ${name}: ${e.line()}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

export function runFromProcess(): void {
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = process.exitCode === EXIT_INTERRUPTED ? EXIT_INTERRUPTED : code;
    },
    (e: unknown) => {
      process.stderr.write(`vmm-difffuzz: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
