// The command-line entry: the only place that reads argv, catches errors and sets the exit code.
import { flagHelp, parseArgs, type ParsedArgs } from "./flags";
import { EXIT_BAD_INPUT, processIo, UsageError, type Io } from "./io";
import { compareCommand } from "./compare-command";
import { corpusCommand } from "./corpus-command";
import { fuzzCommand } from "./fuzz-command";
import { mergeCommand } from "./merge-command";
import { nightlyCommand } from "./nightly-command";
import { reportCommand } from "./report-command";
import { minimizeCommand } from "./minimize-command";
import { replayCommand } from "./replay-command";
import { runCommand } from "./run-command";
import { seriesCommand } from "./series-command";
import { validateCommand } from "./validate-command";

interface Command {
  name: string;
  usage: string;
  help: string;
  run(args: ParsedArgs, io: Io): Promise<number> | number;
}

const COMMANDS: Command[] = [
  {
    name: "validate",
    usage: "validate FILE…",
    help: "check scenario and finding files; one line per error; exit 2 on bad input",
    run: (args, io) => validateCommand(args.positional, io),
  },
  {
    name: "run",
    usage: "run [--impl NAME] FILE",
    help: "run one implementation alone; print each step's events and the final nested PTEs",
    run: runCommand,
  },
  {
    name: "replay",
    usage: "replay [--impl NAME] [--against NAME] [--json] FILE…",
    help: "run A and B, print both sides and the findings; exit 1 on divergence",
    run: replayCommand,
  },
  {
    name: "fuzz",
    usage: "fuzz [--engine random|property|sweep|coverage]",
    help: "a campaign: --seed, --time, --runs, --jobs, --shard i/n; new findings go to crashes/",
    run: fuzzCommand,
  },
  {
    name: "minimize",
    usage: "minimize [--impl NAME] [--minimize-time S] FILE",
    help: "shrink a finding to the smallest scenario with the same signature; store it in crashes/",
    run: minimizeCommand,
  },
  {
    name: "compare",
    usage: "compare --impl A --impl B [--time S] [--shard I/N] [--out DIR]",
    help: "sweep and a random budget on two implementations; both finding tables and divergence maps",
    run: compareCommand,
  },
  {
    name: "series",
    usage: "series [--runs N] [--sample N] [--jobs N] [--markdown] [FILE]",
    help: "sweep and random budget on pre-patch, posted and each prefix of the patch series; one table (FILE: cover letter)",
    run: seriesCommand,
  },
  {
    name: "corpus",
    usage: "corpus add FILE…",
    help: "promote scenarios or findings into corpus/ with their current results as expectation",
    run: corpusCommand,
  },
  {
    name: "nightly",
    usage: "nightly --time SECONDS --out DIR",
    help: "random, property and sweep in one budget, date seed; summary.json/md/html, map.svg, crashes/ in DIR",
    run: nightlyCommand,
  },
  {
    name: "merge",
    usage: "merge DIR… --out DIR",
    help: "merge shard output folders (summary.json + crashes/) into one",
    run: mergeCommand,
  },
  {
    name: "report",
    usage: "report DIR [--out DIR]",
    help: "render summary.md, summary.html and map.svg again from DIR/summary.json",
    run: reportCommand,
  },
];

/** Registers a command; each command module calls this once. */
export function addCommand(command: Command): void {
  COMMANDS.push(command);
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}${c.help}`);
  return `usage: vmm-difffuzz COMMAND [options]\n\ncommands:\n${lines.join("\n")}\n\noptions:\n${flagHelp()}\n`;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "help") {
    io.out(usage());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`vmm-difffuzz: unknown command "${name}" (see vmm-difffuzz --help)\n`);
    return EXIT_BAD_INPUT;
  }
  const args = parseArgs(rest);
  if (typeof args === "string") {
    io.err(`vmm-difffuzz ${name}: ${args}\n`);
    return EXIT_BAD_INPUT;
  }
  if (args.flags.has("help")) {
    io.out(`usage: vmm-difffuzz ${command.usage}\n  ${command.help}\n\noptions:\n${flagHelp()}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`vmm-difffuzz ${name}: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

export function runFromProcess(): void {
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`vmm-difffuzz: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
