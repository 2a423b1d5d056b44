// `vmm-difffuzz nightly`: an unattended run of the random, property and sweep engines within one time budget, with
// a date seed, writing one output folder (see output-folder.ts); exit 1 when a signature not recorded in crashes/ or corpus/ was found.
import { availableParallelism } from "os";
import { join } from "path";
import { SWEEP_POINTS } from "../engine/sweep";
import { implementation } from "../impls";
import { statusLine } from "../report/progress";
import { summaryOf } from "../report/summary";
import { summaryText } from "../report/summary-text";
import type { Summary } from "../report/summary-types";
import { CrashStore } from "../store/crash-store";
import { KnownSignatures } from "../store/known";
import type { FindingFile } from "../store/finding-file";
import { combineReports } from "./combine-reports";
import { FUZZ_FLAGS } from "./commands";
import { argsOf, type ParsedArgs } from "./flags";
import { Interrupt } from "./interrupt";
import { resolveFuzzOptions, runFuzz, type FuzzOptions, type FuzzReport } from "./fuzz-command";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError, type Io } from "./io";
import {
  NIGHTLY_SHARES,
  dateSeed,
  nightlyPlan,
  planText,
  pointsDone,
  utcDay,
  type EnginePlan,
  type NightlyPlan,
} from "./nightly-plan";
import { flag, noPositional, positiveInteger, positiveNumber } from "./options";
import { clearCrashes, CRASHES, relativeFinding, writeCrashes, writeReports } from "./output-folder";

export interface NightlyOptions {
  fuzz: FuzzOptions;
  timeSeconds: number;
  out: string;
  date: string;
  /** Total scenarios instead of the paced plan. */
  runs?: number;
}

export function resolveNightlyOptions(args: ParsedArgs, now: Date): NightlyOptions {
  noPositional(args, "nightly");
  if (!args.flags.has("time")) throw new UsageError("needs --time SECONDS (the whole run's budget)");
  const out = flag(args, "out");
  if (out === undefined || out === "") throw new UsageError("needs --out DIR (the output folder)");
  const timeSeconds = positiveNumber(args, "time", 0);
  const runs = args.flags.has("runs") ? positiveInteger(args, "runs", 1) : undefined;
  const flags = new Map(args.flags);
  flags.delete("runs");
  flags.delete("out");
  if (!flags.has("seed")) flags.set("seed", [String(dateSeed(now))]);
  if (!flags.has("jobs")) flags.set("jobs", [String(availableParallelism())]);
  // Finding files go to DIR/crashes/ only: the repository's folders are read (as known), never written.
  flags.set("crashes", [join(out, CRASHES)]);
  const fuzz = resolveFuzzOptions(argsOf(FUZZ_FLAGS, flags));
  implementation(fuzz.impl);
  implementation(fuzz.against);
  return { fuzz, timeSeconds, out, date: utcDay(now), ...(runs === undefined ? {} : { runs }) };
}

interface PhaseResult {
  report: FuzzReport;
  plan: EnginePlan;
  complete: boolean;
}

/** Runs one engine's planned scenarios (or its parts') and stops it at its deadline at the latest. */
async function runPhase(
  o: NightlyOptions,
  plan: EnginePlan,
  parts: NightlyPlan["sweepParts"],
  started: number,
  io: Io,
  interrupt?: Interrupt,
): Promise<PhaseResult & { partExecs: number[] }> {
  const base: FuzzOptions = { ...o.fuzz, engine: plan.engine, runs: plan.runs };
  const pieces =
    plan.engine === "sweep"
      ? parts.map((p) => ({ runs: p.runs, shard: { index: p.index, count: p.count } }))
      : [{ runs: plan.runs, shard: o.fuzz.shard }];
  const reports: FuzzReport[] = [];
  const partExecs: number[] = [];
  let complete = true;
  for (const [k, piece] of pieces.entries()) {
    // Each piece gets its share of the time left (a slow machine must not spend the sweep's time on its first
    // part: every panel of the map gets its nearest-to-real-CPUs points).
    const left = pieces.slice(k).filter((p) => p.runs > 0).length;
    const timeMs = (plan.deadlineMs - (Date.now() - started)) / Math.max(1, left);
    if (piece.runs === 0) {
      partExecs.push(0);
      continue;
    }
    if (timeMs <= 0 || interrupt?.interrupted) {
      complete = false;
      partExecs.push(0);
      continue;
    }
    const r = await runFuzz(
      { ...base, runs: piece.runs, shard: piece.shard, timeMs },
      io,
      interrupt ? { interrupt } : {},
    );
    if (r.stats.execs < piece.runs) complete = false;
    reports.push(r);
    partExecs.push(r.stats.execs);
  }
  const report =
    reports.length === 1 && plan.engine !== "sweep"
      ? reports[0]!
      : combineReports(reports, { ...base, shard: o.fuzz.shard });
  if (!o.fuzz.quiet) io.err(`${statusLine("DONE", report.stats, report.stats.elapsedMs)} ${plan.engine}\n`);
  return { report, plan, complete, partExecs };
}

/** The summary of the phases, with `new` meaning "not recorded in the known folders". */
function crashesOf(o: NightlyOptions): string {
  return o.fuzz.crashesDir ?? join(o.out, CRASHES);
}

function nightlySummary(
  o: NightlyOptions,
  phases: PhaseResult[],
  plan: NightlyPlan,
  sweepExecs: number[],
  before: ReadonlySet<string>,
  elapsedMs: number,
): { summary: Summary; files: FindingFile[] } {
  const store = new CrashStore(crashesOf(o));
  const summary = summaryOf(
    phases.map((p) => p.report),
    store,
    o.fuzz.seed,
  );
  const files: FindingFile[] = [];
  for (const f of summary.findings) {
    const file = store
      .all()
      .find((x) => x.signature === f.signature && x.impl === o.fuzz.impl && x.against === o.fuzz.against);
    // Info findings are never stored: never new, no file to replay.
    f.new = file !== undefined && !before.has(f.signature);
    if (!file) {
      Object.assign(f, { file: "", replay: "" });
      continue;
    }
    files.push(file);
    Object.assign(f, relativeFinding(store, file));
  }
  summary.runs.forEach((r, i) => {
    r.planned = phases[i]!.plan.runs;
    r.complete = phases[i]!.complete;
  });
  summary.date = o.date;
  summary.timeSeconds = o.timeSeconds;
  summary.shard = `${o.fuzz.shard.index}/${o.fuzz.shard.count}`;
  summary.elapsedSeconds = elapsedMs / 1000;
  summary.sweep = {
    pointsDone: plan.sweepParts.reduce((a, p, k) => a + pointsDone(p, sweepExecs[k] ?? 0), 0),
    pointsInShard: plan.sweepParts.reduce((a, p) => a + p.points, 0),
    pointsTotal: SWEEP_POINTS,
  };
  return { summary, files };
}

export async function nightlyCommand(args: ParsedArgs, io: Io): Promise<number> {
  const o = resolveNightlyOptions(args, new Date());
  const { fuzz } = o;
  const plan = nightlyPlan({ timeSeconds: o.timeSeconds, jobs: fuzz.jobs, shard: fuzz.shard, runs: o.runs });
  const sweepCapacity = plan.sweepParts.reduce((a, p) => a + p.points, 0);
  io.out(
    `nightly ${o.date}: seed ${fuzz.seed}, ${o.timeSeconds} s on ${fuzz.jobs} job(s), shard ${fuzz.shard.index}/${fuzz.shard.count}, ` +
      `${fuzz.impl} vs ${fuzz.against}, known signatures from ${fuzz.known.join(", ") || "nowhere"}, output in ${o.out}/\n` +
      `plan: ${planText(plan, o.timeSeconds)}; the sweep's parts cover ${sweepCapacity} of ${SWEEP_POINTS} profile points ` +
      `(shares ${Object.entries(NIGHTLY_SHARES)
        .map(([e, s]) => `${e} ${Math.round(s * 100)} %`)
        .join(", ")})\n`,
  );
  // A rerun into the same DIR starts from an empty DIR/crashes/: it holds this run's findings only.
  clearCrashes(o.out);
  const before = new Set(KnownSignatures.of(fuzz.known).signatures(fuzz.impl, fuzz.against));
  const started = Date.now();
  const phases: PhaseResult[] = [];
  let sweepExecs: number[] = [];
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  for (const enginePlan of plan.engines) {
    const phase = await runPhase(o, enginePlan, plan.sweepParts, started, io, interrupt);
    if (enginePlan.engine === "sweep") sweepExecs = phase.partExecs;
    phases.push(phase);
    for (const e of phase.report.workerErrors) io.err(`vmm-difffuzz nightly: ${enginePlan.engine}: ${e}\n`);
  }
  unlisten?.();
  const { summary, files } = nightlySummary(o, phases, plan, sweepExecs, before, Date.now() - started);
  writeReports(o.out, summary);
  writeCrashes(o.out, files, crashesOf(o));
  io.out(summaryText(summary, o.out));
  if (interrupt?.interrupted) {
    io.out(`interrupted by ${interrupt.signalName}: engines "stopped by the clock" were stopped by it; exit 130\n`);
    return EXIT_INTERRUPTED;
  }
  return summary.findings.some((f) => f.new) ? EXIT_FINDINGS : EXIT_OK;
}
