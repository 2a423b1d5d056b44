// Every command: its usage line, its help, its flags (declared once: parsing and help read them) and its module,
// loaded only when the command runs so that startup and --help stay fast.
import { FLAG, type FlagTable, type ParsedArgs } from "./flags";
import type { Io } from "./io";

export type CommandRun = (args: ParsedArgs, io: Io) => Promise<number> | number;

export interface Command {
  name: string;
  usage: string;
  help: string;
  flags: FlagTable;
  load(): Promise<CommandRun>;
}

const { impl, against, json, seed, time, runs, jobs, shard, crashes, known, out, quiet } = FLAG;
const minimizeTime = FLAG["minimize-time"];
const noMinimize = FLAG["no-minimize"];

/** The fuzz campaign's flags; nightly and compare resolve their campaigns' options against it too. */
export const FUZZ_FLAGS: FlagTable = {
  engine: { value: "NAME", default: "random", help: "random | property | sweep | coverage" },
  seed,
  time: { ...time, help: "time bound (default 60 s unless --runs; the sweep runs its whole share)" },
  runs,
  jobs,
  shard,
  impl,
  against,
  crashes,
  known,
  "coverage-corpus": { value: "DIR", default: "coverage-corpus", help: "the coverage engine's input folder" },
  "minimize-time": minimizeTime,
  "no-minimize": noMinimize,
  quiet,
  json,
};

export const COMMANDS: Command[] = [
  {
    name: "validate",
    usage: "validate [--json] FILE…",
    help: "check scenario and finding files; one line per error; exit 2 on bad input",
    flags: { json },
    load: async () => (await import("./validate-command")).validateCommand,
  },
  {
    name: "run",
    usage: "run [--impl NAME] [--json] FILE",
    help: "run one implementation alone; print each step's events and the final nested PTEs",
    flags: { impl, json },
    load: async () => (await import("./run-command")).runCommand,
  },
  {
    name: "replay",
    usage: "replay [--impl NAME] [--against NAME] [--json] FILE…",
    help: "run A and B, print both sides and the findings; exit 1 on divergence",
    flags: {
      impl: { ...impl, default: undefined, help: `${impl.help} (default: the finding file's, else posted)` },
      against: {
        ...against,
        default: undefined,
        help: `${against.help} (default: the finding file's, else reference)`,
      },
      json,
    },
    load: async () => (await import("./replay-command")).replayCommand,
  },
  {
    name: "fuzz",
    usage: "fuzz [--engine random|property|sweep|coverage] [options]",
    help: "a campaign; signatures not in the known folders are new (exit 1); finding files only with --crashes",
    flags: FUZZ_FLAGS,
    load: async () => (await import("./fuzz-command")).fuzzCommand,
  },
  {
    name: "minimize",
    usage: "minimize [--impl NAME] [--against NAME] [--minimize-time S] [--crashes DIR] FILE",
    help: "shrink a finding to the smallest scenario with the same signature; store it in crashes/",
    flags: {
      impl: { ...impl, default: undefined, help: `${impl.help} (default: the finding file's, else posted)` },
      against: {
        ...against,
        default: undefined,
        help: `${against.help} (default: the finding file's, else reference)`,
      },
      "minimize-time": minimizeTime,
      crashes: { ...crashes, default: "crashes", help: "where the minimized finding file is written" },
      json,
    },
    load: async () => (await import("./minimize-command")).minimizeCommand,
  },
  {
    name: "compare",
    usage: "compare --impl A --impl B [--time S] [--shard I/N] [--out DIR]",
    help: "sweep and random search on two implementations within --time; both finding tables and divergence maps",
    flags: {
      impl: { ...impl, default: undefined, repeat: true, help: "an implementation to compare (give two)" },
      against,
      seed,
      time: { ...time, default: "120", help: "time bound of the whole comparison (both implementations)" },
      shard,
      known,
      out: { ...out, default: "compare-out" },
      "minimize-time": minimizeTime,
      "no-minimize": noMinimize,
      quiet,
      json,
    },
    load: async () => (await import("./compare-command")).compareCommand,
  },
  {
    name: "series",
    usage: "series [--runs N] [--sample N] [--jobs N] [--markdown] [FILE]",
    help: "sweep and random budget on pre-patch, posted and each prefix of the patch series; one table (FILE: cover letter)",
    flags: {
      runs: { ...runs, default: "200000", help: "random scenarios per variant" },
      sample: { value: "N", help: "every N-th point of the sweep's profile space, not all of it" },
      seed,
      jobs,
      markdown: { help: "print the table in Markdown" },
    },
    load: async () => (await import("./series-command")).seriesCommand,
  },
  {
    name: "corpus",
    usage: "corpus add [--corpus DIR] FILE…",
    help: "promote scenarios or findings into corpus/ with their current results as expectation",
    flags: { corpus: { value: "DIR", default: "corpus", help: "the regression corpus" }, json },
    load: async () => (await import("./corpus-command")).corpusCommand,
  },
  {
    name: "nightly",
    usage: "nightly --time SECONDS --out DIR [options]",
    help: "random, property and sweep in one budget, date seed; summary.json/md/html, map.svg, crashes/ in DIR only",
    flags: {
      time: { ...time, help: "time budget of the whole run (required)" },
      out: { ...out, help: "output folder (required); the repository's folders are only read" },
      seed: { ...seed, default: undefined, help: "seed (default: the UTC date as YYYYMMDD)" },
      jobs: { ...jobs, default: undefined, help: "worker threads (default: the available cores)" },
      shard,
      runs: { ...runs, help: "total scenarios instead of the paced plan" },
      impl,
      against,
      known,
      "minimize-time": minimizeTime,
      "no-minimize": noMinimize,
      quiet,
    },
    load: async () => (await import("./nightly-command")).nightlyCommand,
  },
  {
    name: "merge",
    usage: "merge DIR… --out DIR",
    help: "merge shard output folders (summary.json + crashes/) into one",
    flags: { out: { ...out, help: "the merged output folder (required)" } },
    load: async () => (await import("./merge-command")).mergeCommand,
  },
  {
    name: "report",
    usage: "report DIR [--out DIR]",
    help: "render summary.md, summary.html and map.svg again from DIR/summary.json",
    flags: { out: { ...out, help: "where to write (default: DIR itself)" } },
    load: async () => (await import("./report-command")).reportCommand,
  },
];

/** Registers a command (a module adding one calls this once). */
export function addCommand(command: Command): void {
  COMMANDS.push(command);
}

/** The commands that take a flag, for the error that names where a flag belongs. */
export function commandsWithFlag(name: string): string[] {
  return COMMANDS.filter((c) => name in c.flags).map((c) => c.name);
}
