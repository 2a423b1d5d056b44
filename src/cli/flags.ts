// Every command-line flag, declared once: the parser and the help text are both built from this table.

export interface FlagSpec {
  name: string;
  /** Placeholder of the value; absent for a boolean switch. */
  value?: string;
  help: string;
  /** May be given more than once (values collect in order). */
  repeat?: boolean;
}

export const FLAGS: readonly FlagSpec[] = [
  {
    name: "impl",
    value: "NAME",
    help: "implementation playing A: pre-patch | posted | proposed | series-1..8 (default posted)",
    repeat: true,
  },
  { name: "against", value: "NAME", help: "implementation A is compared with (default reference)" },
  { name: "json", help: "print JSON instead of text" },
  { name: "markdown", help: "print the table in Markdown (series)" },
  { name: "sample", value: "N", help: "series: every N-th point of the sweep's profile space, not all of it" },
  { name: "engine", value: "NAME", help: "fuzz engine: random | property | sweep | coverage (default random)" },
  { name: "seed", value: "N", help: "seed of the campaign (default 1)" },
  { name: "time", value: "SECONDS", help: "time budget of the campaign" },
  { name: "runs", value: "N", help: "number of scenarios to run" },
  { name: "jobs", value: "N", help: "worker threads (default 1)" },
  { name: "shard", value: "I/N", help: "run only shard I of N (0-based)" },
  { name: "crashes", value: "DIR", help: "where findings are stored (default crashes/)" },
  { name: "corpus", value: "DIR", help: "the regression corpus (default corpus/)" },
  { name: "coverage-corpus", value: "DIR", help: "the coverage engine's input directory (default coverage-corpus/)" },
  { name: "out", value: "DIR", help: "output folder for summaries" },
  { name: "minimize-time", value: "SECONDS", help: "time bound of minimizing one finding (default 5)" },
  { name: "no-minimize", help: "store findings as found, without minimizing" },
  { name: "quiet", help: "no progress lines" },
  { name: "help", help: "show this help" },
];

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs | string {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = FLAGS.find((f) => f.name === name);
    if (!spec) return `unknown option --${name} (see --help)`;
    let value = "true";
    if (spec.value) {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) return `--${name} needs a value ${spec.value}`;
      value = v;
    } else if (eq >= 0) return `--${name} takes no value`;
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) return `--${name} given twice`;
    flags.set(name, [...list, value]);
  }
  return { positional, flags };
}

export function flagHelp(): string {
  return FLAGS.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ""}`.padEnd(26) + f.help).join("\n");
}
