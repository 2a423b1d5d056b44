// Command-line flags: each command declares its table once (flag, value placeholder, default, help); the parser
// (node:util parseArgs) and the help text both read that table. Adding a flag to a command is one entry.
import { parseArgs as parseTokens } from "util";

export interface FlagSpec {
  /** Placeholder of the value; absent for a boolean switch. */
  value?: string;
  help: string;
  /** The value when the flag is not given (shown in the help); several for a repeatable flag. */
  default?: string | readonly string[];
  /** May be given more than once (values collect in order). */
  repeat?: boolean;
  /** One-letter form, e.g. "h" for -h. */
  short?: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** Flags every command takes. */
export const COMMON_FLAGS: FlagTable = {
  help: { short: "h", help: "show this help" },
  version: { help: "print the version" },
};

/** The flags more than one command shares, each described once; a command picks them and may change a default. */
export const FLAG = {
  impl: {
    value: "NAME",
    default: "posted",
    help: "implementation playing A: pre-patch | posted | proposed | series-1..8",
  },
  against: {
    value: "NAME",
    help: "implementation A is compared with (default: reference; reference-smp for the smp what-if)",
  },
  baseline: {
    value: "NAME",
    help: "tells introduced from inherited findings; none for no baseline (default pre-patch for a patch variant)",
  },
  json: { help: "print JSON instead of text" },
  seed: { value: "N", default: "1", help: "seed of the campaign" },
  time: { value: "SECONDS", help: "time bound of the whole command" },
  runs: { value: "N", help: "number of scenarios to run" },
  jobs: { value: "N", default: "1", help: "worker threads" },
  shard: { value: "I/N", default: "0/1", help: "run only shard I of N (0-based)" },
  crashes: { value: "DIR", help: "where new finding files are written (default: not written)" },
  known: {
    value: "DIR",
    repeat: true,
    default: ["crashes", "corpus"],
    help: "finding files or corpus scenarios whose signatures are not new",
  },
  out: { value: "DIR", help: "output folder" },
  "minimize-time": { value: "SECONDS", default: "5", help: "time bound of minimizing one finding" },
  "no-minimize": { help: "store findings as found, without minimizing" },
  quiet: { help: "no progress lines" },
} as const satisfies Record<string, FlagSpec>;

export interface ParsedArgs {
  positional: string[];
  /** The flags given on the command line, by name (values in order). */
  flags: Map<string, string[]>;
  /** The table they were parsed against: where defaults come from. */
  table: FlagTable;
}

/** Arguments as code builds them (one command calling another's option resolver). */
export function argsOf(table: FlagTable, flags: Map<string, string[]>, positional: string[] = []): ParsedArgs {
  return { positional, flags, table };
}

/** Parses argv against `table` (plus the common flags); a string is the one-line error. */
export function parseArgs(
  argv: readonly string[],
  table: FlagTable,
  elsewhere?: (name: string) => string | null,
): ParsedArgs | string {
  const all: FlagTable = { ...table, ...COMMON_FLAGS };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, spec]) => [
      name,
      { type: spec.value ? ("string" as const) : ("boolean" as const), ...(spec.short ? { short: spec.short } : {}) },
    ]),
  );
  // Not strict: every token is checked here, so each mistake gets one line in this CLI's words.
  const { tokens } = parseTokens({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (const t of tokens) {
    if (t.kind === "positional") positional.push(t.value);
    if (t.kind !== "option") continue;
    const spec = all[t.name];
    if (!spec) {
      const other = elsewhere?.(t.name);
      return other ? `${t.rawName} does not apply here (it is a flag of ${other})` : `unknown option ${t.rawName}`;
    }
    if (spec.value && t.value === undefined) return `--${t.name} needs a value ${spec.value}`;
    if (!spec.value && t.inlineValue) return `--${t.name} takes no value`;
    const list = flags.get(t.name) ?? [];
    if (list.length > 0 && !spec.repeat) return `--${t.name} given twice`;
    flags.set(t.name, [...list, t.value ?? "true"]);
  }
  return { positional, flags, table };
}

function defaultText(spec: FlagSpec): string {
  if (spec.default === undefined) return "";
  const d = typeof spec.default === "string" ? spec.default : spec.default.join(", ");
  return ` (default ${d})`;
}

/** The options part of a command's help, one flag a line. */
export function flagHelp(table: FlagTable): string {
  const entries = Object.entries({ ...table, ...COMMON_FLAGS });
  const left = ([name, spec]: [string, FlagSpec]) =>
    `  ${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
  const width = Math.max(...entries.map((e) => left(e).length)) + 2;
  return entries.map((e) => `${left(e).padEnd(width)}${e[1].help}${defaultText(e[1])}`).join("\n");
}
