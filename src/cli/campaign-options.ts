// A campaign's settings from a command's flags: fuzz takes them all; nightly, compare and series take some and fix
// the rest themselves. Each setting the command fixes wins; every other comes from its flag, else the fuzz default.
import type { FuzzOptions } from "../engine/driver/fuzz-options";
import { ENGINES, type EngineName } from "../engine/session";
import { baselineName, defaultAgainst, implementation } from "../impls";
import { FUZZ_FLAGS } from "./commands";
import type { ParsedArgs } from "./flags";
import { UsageError } from "./io";
import { bool, flag, flagList, positiveInteger, positiveNumber, shardOf } from "./options";

const DEFAULT_TIME_SECONDS = 60;

/** A seed flag: a whole number >= 0. */
export function seedOf(args: ParsedArgs): number {
  const text = flag(args, "seed")!;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a whole number >= 0, not "${text}"`);
  return seed;
}

export function campaignOptions(given: ParsedArgs, fixed: Partial<FuzzOptions> = {}): FuzzOptions {
  // The command's flags read against the fuzz command's table: its defaults fill what the command does not take.
  const args: ParsedArgs = { ...given, table: FUZZ_FLAGS };
  const pick = <K extends keyof FuzzOptions>(key: K, read: () => FuzzOptions[K]): FuzzOptions[K] =>
    key in fixed ? fixed[key]! : read();
  const engine = pick("engine", () => {
    const name = flag(args, "engine") as EngineName;
    if (!ENGINES.includes(name)) throw new UsageError(`--engine must be one of ${ENGINES.join(", ")}, not "${name}"`);
    return name;
  });
  const seed = pick("seed", () => seedOf(args));
  const bounded = args.flags.has("time") || args.flags.has("runs");
  const defaultTime = engine === "sweep" || bounded ? Infinity : DEFAULT_TIME_SECONDS;
  const timeMs = pick("timeMs", () => positiveNumber(args, "time", defaultTime) * 1000);
  const runs = pick("runs", () => positiveInteger(args, "runs", Infinity));
  const shard = pick("shard", () => shardOf(args));
  const jobs = pick("jobs", () => positiveInteger(args, "jobs", 1));
  const impl = pick("impl", () => flag(args, "impl")!);
  const against = pick("against", () => flag(args, "against") ?? defaultAgainst(impl));
  const baseline = pick("baseline", () => baselineName(flag(args, "baseline"), impl));
  // Unknown implementations are bad usage before any work starts.
  implementation(impl);
  implementation(against);
  return Object.freeze({
    engine,
    seed,
    timeMs,
    runs,
    shard: Object.freeze(shard),
    jobs,
    impl,
    against,
    baseline,
    crashesDir: pick("crashesDir", () => flag(args, "crashes") ?? null),
    known: Object.freeze(pick("known", () => flagList(args, "known"))),
    coverageCorpus: pick("coverageCorpus", () => flag(args, "coverage-corpus")!),
    minimizeTimeMs: pick("minimizeTimeMs", () => positiveNumber(args, "minimize-time", 5) * 1000),
    minimize: pick("minimize", () => !bool(args, "no-minimize")),
  });
}
