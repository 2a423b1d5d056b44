// `vmm-difffuzz fuzz`: one campaign of one engine; new signatures are minimized and stored in crashes/ as found.
import { existsSync } from "fs";
import { basename, join } from "path";
import { severityRank } from "../diff/classes";
import type { CampaignStats, Engine } from "../engine/campaign";
import type { DivergenceMap } from "../engine/divergence-map";
import { compiledPaths, coverageEngine } from "../engine/coverage";
import { runParallel } from "../engine/parallel";
import {
  ENGINES,
  MINIMIZE_CANDIDATES,
  runSession,
  type EngineName,
  type SessionNew,
  type SessionOptions,
} from "../engine/session";
import { spreadText, type SweepMap } from "../engine/sweep-map";
import { DEFAULT_IMPL, implementation } from "../impls";
import { fitLine, statusLine } from "../report/progress";
import { fractionDone, progressBar } from "../report/progress-bar";
import { SWEEP_SCENARIOS } from "../engine/sweep";
import { CrashStore } from "../store/crash-store";
import { KnownSignatures } from "../store/known";
import type { ParsedArgs } from "./flags";
import { FUZZ_FLAGS } from "./commands";
import { Interrupt } from "./interrupt";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, flagList, noPositional, positiveInteger, positiveNumber, shardOf } from "./options";

export { ENGINES, MINIMIZE_CANDIDATES, type EngineName };
const DEFAULT_TIME_SECONDS = 60;

export interface FuzzOptions {
  engine: EngineName;
  seed: number;
  timeMs: number;
  runs: number;
  shard: { index: number; count: number };
  /** Worker threads (1: the campaign runs in this thread). */
  jobs: number;
  impl: string;
  against: string;
  /** Where new finding files are written; null: nowhere (they are listed, not stored). */
  crashesDir: string | null;
  /** Folders whose finding files and corpus expectations are known signatures (never new). */
  known: string[];
  /** The coverage engine's libFuzzer-style input directory. */
  coverageCorpus: string;
  minimizeTimeMs: number;
  minimize: boolean;
  quiet: boolean;
  json: boolean;
}

export function resolveFuzzOptions(given: ParsedArgs): FuzzOptions {
  const args: ParsedArgs = { ...given, table: FUZZ_FLAGS };
  noPositional(args, "fuzz");
  const engine = flag(args, "engine") as EngineName;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(", ")}, not "${engine}"`);
  const seedText = flag(args, "seed")!;
  const seed = Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a whole number >= 0, not "${seedText}"`);
  const bounded = args.flags.has("time") || args.flags.has("runs");
  const defaultTime = engine === "sweep" || bounded ? Infinity : DEFAULT_TIME_SECONDS;
  return Object.freeze({
    engine,
    seed,
    timeMs: positiveNumber(args, "time", defaultTime) * 1000,
    runs: positiveInteger(args, "runs", Infinity),
    shard: shardOf(args),
    jobs: positiveInteger(args, "jobs", 1),
    impl: flag(args, "impl")!,
    against: flag(args, "against")!,
    crashesDir: flag(args, "crashes") ?? null,
    known: flagList(args, "known"),
    coverageCorpus: flag(args, "coverage-corpus")!,
    minimizeTimeMs: positiveNumber(args, "minimize-time", 5) * 1000,
    minimize: !bool(args, "no-minimize"),
    quiet: bool(args, "quiet"),
    json: bool(args, "json"),
  });
}

export interface FuzzReport {
  options: FuzzOptions;
  jobs: number;
  stats: CampaignStats;
  /** `stored`: the store's answer, "info" (never stored) or "unstored" (no --crashes); `path`: null unless written. */
  found: (SessionNew & { stored: string; path: string | null })[];
  sweep: SweepMap | null;
  divergence: DivergenceMap | null;
  /** Workers that died outside a scenario: implementation errors of this project. */
  workerErrors: string[];
}

/** How a campaign is run: an engine in place of the named one (tests), a stop signal shared with its workers. */
export interface RunContext {
  engine?: Engine;
  interrupt?: Interrupt;
}

/**
 * Runs the campaign the options describe; stores findings as they come. It runs on `jobs` worker threads when
 * more than one, or when it can be interrupted (the main thread must stay free to hear SIGINT).
 */
export async function runFuzz(o: FuzzOptions, io: Io, context: RunContext = {}): Promise<FuzzReport> {
  let engineOverride = context.engine;
  const implA = implementation(o.impl);
  const implB = implementation(o.against);
  const store = o.crashesDir === null ? null : new CrashStore(o.crashesDir);
  const record = KnownSignatures.of(o.known);
  if (store) record.addStore(store);
  const found: FuzzReport["found"] = [];
  const started = Date.now();
  // The sweep's bound is its share of the profile space: every point's probes.
  const runsBound = o.engine === "sweep" ? Math.min(o.runs, SWEEP_SCENARIOS / o.shard.count) : o.runs;
  const progress = (tag: "NEW" | "PULSE", stats: CampaignStats) => {
    if (o.quiet) return;
    const elapsed = Date.now() - started;
    const line = statusLine(tag, stats, elapsed);
    const fraction = fractionDone(elapsed, o.timeMs, stats.execs, runsBound);
    // On a terminal the PULSE line is redrawn in place with a bar; NEW lines stay in the scrollback.
    if (!io.errIsTty) io.err(`${line}\n`);
    else if (tag === "NEW") io.err(`\r\x1b[K${line}\n`);
    else {
      const bar = fraction === null ? "" : `${progressBar(fraction, elapsed, 12)} `;
      io.err(`\r\x1b[K${fitLine(bar + line, io.errColumns)}`);
    }
  };
  const onNew = (n: SessionNew, stats: CampaignStats) => {
    // Info findings (the PTEs differ in bits only) are listed, never stored: crashes/ holds divergences.
    const stored = n.finding.severity === "info" ? "info" : store ? store.save(n.file) : "unstored";
    // Workers each report their first hit of a signature; the store keeps the smallest, the report the first.
    if (!found.some((f) => f.finding.signature === n.finding.signature)) {
      found.push({ ...n, stored, path: store && stored !== "info" ? store.pathOf(n.file) : null });
      progress("NEW", stats);
    }
  };
  // Shards of random and property campaigns use distinct seeds: seed · shards + index.
  const session: SessionOptions = {
    engine: o.engine,
    seed: o.seed * o.shard.count + o.shard.index,
    part: o.shard,
    runs: o.runs,
    timeMs: o.timeMs,
    minimize: o.minimize,
    minimizeTimeMs: o.minimizeTimeMs,
    campaignSeed: o.seed,
    ...(context.interrupt ? { stopSignal: context.interrupt.signal } : {}),
  };
  const known = (sig: string) => record.has(implA.name, implB.name, sig);
  const knownList = () => record.signatures(implA.name, implB.name);
  if (o.engine === "coverage" && !engineOverride) {
    const root = join(__dirname, "..", "..", __filename.endsWith(".js") ? ".." : "");
    if (!existsSync(compiledPaths(root).target)) {
      throw new UsageError("the coverage engine fuzzes the compiled JavaScript: run `npm run build` first");
    }
    if (o.jobs > 1) throw new UsageError("the coverage engine runs one fuzzer process; use --jobs 1");
    engineOverride = coverageEngine({
      root,
      corpusDir: o.coverageCorpus,
      workDir: join(o.coverageCorpus, "..", `.${basename(o.coverageCorpus)}-work`),
      seed: session.seed,
      impl: implA.name,
      against: implB.name,
      known: () => [...knownList(), ...found.map((f) => f.finding.signature)],
    });
  }
  if ((o.jobs > 1 || context.interrupt) && !engineOverride) {
    const r = await runParallel(session, o.jobs, implA.name, implB.name, knownList(), {
      onNew,
      onProgress: (stats) => progress("PULSE", stats),
    });
    return {
      options: o,
      jobs: o.jobs,
      stats: r.stats,
      found,
      sweep: r.sweep,
      divergence: r.divergence,
      workerErrors: r.workerErrors,
    };
  }
  const r = runSession(
    session,
    implA,
    implB,
    { known, onNew, onProgress: (stats) => progress("PULSE", stats) },
    engineOverride,
  );
  return { options: o, jobs: 1, stats: r.stats, found, sweep: r.sweep, divergence: r.divergence, workerErrors: [] };
}

/** A signature above info that no known folder recorded (whether or not this campaign stored it). */
export function isNew(f: FuzzReport["found"][number]): boolean {
  return !f.known && f.stored !== "info";
}

export function fuzzSummaryText(r: FuzzReport): string {
  const lines: string[] = [];
  const { stats } = r;
  const seconds = stats.elapsedMs / 1000;
  lines.push(
    `${r.options.engine} engine, seed ${r.options.seed}, ${r.options.impl} vs ${r.options.against}: ` +
      `${stats.execs} scenarios in ${seconds.toFixed(1)} s (${Math.round(stats.execs / Math.max(seconds, 0.001))}/s), ` +
      `${stats.hits.size} signatures`,
  );
  const rows = [...r.found].sort(
    (x, y) => severityRank(x.finding.severity) - severityRank(y.finding.severity) || x.execs - y.execs,
  );
  for (const f of rows) {
    const hit = stats.hits.get(f.finding.signature)!;
    const status = f.stored === "info" ? "info" : f.known ? "known" : "NEW";
    lines.push(
      `  ${status.padEnd(5)} [${f.finding.severity}] ${f.finding.class}: ${hit.count} hits, first at #${f.execs} (${(f.elapsedMs / 1000).toFixed(1)} s)`,
    );
    lines.push(`        ${f.file.summary}`);
    lines.push(`        ${f.finding.signature}`);
    if (r.sweep) {
      const spread = r.sweep.spread.get(f.finding.signature);
      if (spread) lines.push(`        ${spread.points} profiles: ${spreadText(spread)}`);
    }
    if (f.path !== null)
      lines.push(
        `        vmm-difffuzz replay${r.options.impl === DEFAULT_IMPL ? "" : ` --impl ${r.options.impl}`} ${f.path}`,
      );
  }
  const newCount = r.found.filter(isNew).length;
  const known = r.options.known.length > 0 ? ` (known: ${r.options.known.join(", ")})` : "";
  lines.push(
    newCount === 0
      ? `no new signature${known}`
      : r.options.crashesDir === null
        ? `${newCount} new signature(s), not stored: rerun with --crashes DIR to write their finding files`
        : `${newCount} new signature(s) stored in ${r.options.crashesDir}/`,
  );
  return `${lines.join("\n")}\n`;
}

export function fuzzReportJson(r: FuzzReport): unknown {
  return {
    engine: r.options.engine,
    seed: r.options.seed,
    impl: r.options.impl,
    against: r.options.against,
    execs: r.stats.execs,
    elapsedSeconds: r.stats.elapsedMs / 1000,
    findings: r.found.map((f) => ({
      class: f.finding.class,
      severity: f.finding.severity,
      signature: f.finding.signature,
      words: f.file.summary,
      step: f.finding.step,
      known: f.known,
      hits: r.stats.hits.get(f.finding.signature)?.count ?? 0,
      firstExecs: f.execs,
      file: f.path,
      spread: r.sweep?.spread.get(f.finding.signature)
        ? spreadText(r.sweep.spread.get(f.finding.signature)!)
        : undefined,
    })),
  };
}

export async function fuzzCommand(args: ParsedArgs, io: Io): Promise<number> {
  const o = resolveFuzzOptions(args);
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  const report = await runFuzz(o, io, { ...(interrupt ? { interrupt } : {}) }).finally(() => unlisten?.());
  if (!o.quiet) io.err(`${io.errIsTty ? "\r\x1b[K" : ""}${statusLine("DONE", report.stats, report.stats.elapsedMs)}\n`);
  io.out(o.json ? `${JSON.stringify(fuzzReportJson(report), null, 2)}\n` : fuzzSummaryText(report));
  for (const e of report.workerErrors) io.err(`implementation-error: ${e}\n`);
  if (interrupt?.interrupted) return EXIT_INTERRUPTED;
  return report.found.some(isNew) || report.workerErrors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
