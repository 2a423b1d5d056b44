// `vmm-difffuzz fuzz`: one campaign of one engine; new signatures are minimized and stored in crashes/ as found.
import { severityRank } from "../diff/classes";
import { Campaign, type CampaignStats, type Engine, type NewSignature } from "../engine/campaign";
import { propertyEngine } from "../engine/property";
import { randomEngine } from "../engine/random";
import { sweepEngine } from "../engine/sweep";
import { SweepMap, spreadText } from "../engine/sweep-map";
import { DivergenceMap } from "../engine/divergence-map";
import { DEFAULT_IMPL, implementation, REFERENCE } from "../impls";
import { statusLine } from "../report/progress";
import { PROFILES } from "../scenario/profiles";
import { createSampler } from "../scenario/sampler";
import { PROFILE_ORDER } from "../scenario/space";
import { CrashStore } from "../store/crash-store";
import { makeFindingFile } from "../store/make-finding-file";
import type { ParsedArgs } from "./flags";
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, noPositional, positiveInteger, positiveNumber, shardOf } from "./options";

export const ENGINES = ["random", "property", "sweep", "coverage"] as const;
export type EngineName = (typeof ENGINES)[number];

/** Candidates the minimizer tries at most per new signature (deterministic bound). */
export const MINIMIZE_CANDIDATES = 2000;
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
  crashesDir: string;
  minimizeTimeMs: number;
  minimize: boolean;
  quiet: boolean;
  json: boolean;
}

export function resolveFuzzOptions(args: ParsedArgs): FuzzOptions {
  noPositional(args, "fuzz");
  const engine = (flag(args, "engine") ?? "random") as EngineName;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(", ")}, not "${engine}"`);
  const seedText = flag(args, "seed") ?? "1";
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
    impl: flag(args, "impl") ?? DEFAULT_IMPL,
    against: flag(args, "against") ?? REFERENCE,
    crashesDir: flag(args, "crashes") ?? "crashes",
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
  found: (NewSignature & { stored: string; path: string })[];
  sweep: SweepMap | null;
  divergence: DivergenceMap | null;
}

/** Runs the campaign the options describe; stores findings as they come; returns what happened. */
export function runFuzz(o: FuzzOptions, io: Io, engineOverride?: Engine): FuzzReport {
  if (o.engine === "coverage" && !engineOverride)
    throw new UsageError("the coverage engine runs through `fuzz-coverage`");
  const implA = implementation(o.impl);
  const implB = implementation(o.against);
  const store = new CrashStore(o.crashesDir);
  const found: FuzzReport["found"] = [];
  const started = Date.now();
  const progress = (tag: "NEW" | "PULSE", stats: CampaignStats) => {
    if (!o.quiet) io.err(`${statusLine(tag, stats, Date.now() - started)}\n`);
  };
  const campaign = new Campaign(
    {
      implA,
      implB,
      runs: o.runs,
      timeMs: o.timeMs,
      minimizeCandidates: o.minimize ? MINIMIZE_CANDIDATES : 0,
      minimizeTimeMs: o.minimizeTimeMs,
      profiles: PROFILE_ORDER.map((n) => PROFILES[n].cpu),
      known: (sig) => store.has(sig, implA.name, implB.name),
    },
    {
      onNew(n) {
        const file = makeFindingFile(n.finding, n.scenario, implA, implB, {
          engine: o.engine,
          seed: String(o.seed),
          execs: n.execs,
        });
        const stored = store.save(file);
        found.push({ ...n, stored, path: store.pathOf(file) });
        progress("NEW", campaign.stats);
      },
      onProgress: (stats) => progress("PULSE", stats),
    },
  );
  let sweep: SweepMap | null = null;
  let divergence: DivergenceMap | null = null;
  let engine: Engine;
  switch (o.engine) {
    case "random": {
      // Shards of a random campaign use distinct seeds: seed * shards + index.
      const seed = o.seed * o.shard.count + o.shard.index;
      const sampler = createSampler(seed);
      engine = randomEngine(sampler, (i) => `random seed ${seed} scenario ${i}`);
      break;
    }
    case "property":
      engine = propertyEngine(o.seed * o.shard.count + o.shard.index, {});
      break;
    case "sweep": {
      const map = new SweepMap();
      sweep = map;
      const grid = new DivergenceMap();
      divergence = grid;
      engine = sweepEngine(o.shard.index, o.shard.count, (p, _probe, findings) => {
        map.record(
          p,
          findings.map((f) => f.signature),
        );
        grid.record(
          p,
          findings.map((f) => f.severity),
        );
      });
      break;
    }
    case "coverage":
      engine = engineOverride!;
      break;
  }
  const stats = campaign.run(engineOverride ?? engine);
  return { options: o, jobs: 1, stats, found, sweep, divergence };
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
    const status = f.known ? "known" : f.stored === "kept" ? "seen" : "NEW";
    lines.push(
      `  ${status.padEnd(5)} [${f.finding.severity}] ${f.finding.class}: ${hit.count} hits, first at #${f.execs} (${(f.elapsedMs / 1000).toFixed(1)} s)`,
    );
    lines.push(`        ${f.finding.signature}`);
    if (r.sweep) {
      const spread = r.sweep.spread.get(f.finding.signature);
      if (spread) lines.push(`        ${spread.points} profiles: ${spreadText(spread)}`);
    }
    lines.push(
      `        vmm-difffuzz replay${r.options.impl === DEFAULT_IMPL ? "" : ` --impl ${r.options.impl}`} ${f.path}`,
    );
  }
  const newCount = r.found.filter((f) => !f.known).length;
  lines.push(newCount > 0 ? `${newCount} new signature(s) stored in ${r.options.crashesDir}/` : "no new signature");
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

export function fuzzCommand(args: ParsedArgs, io: Io): number {
  const o = resolveFuzzOptions(args);
  const report = runFuzz(o, io);
  if (!o.quiet) io.err(`${statusLine("DONE", report.stats, report.stats.elapsedMs)}\n`);
  io.out(o.json ? `${JSON.stringify(fuzzReportJson(report), null, 2)}\n` : fuzzSummaryText(report));
  return report.found.some((f) => !f.known) ? EXIT_FINDINGS : EXIT_OK;
}
