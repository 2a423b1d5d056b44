// The nightly run: the plan's engines one after another within the time budget, each stopped at its deadline at
// the latest, and one output folder (output-folder.ts) holding their summary and the finding files of this run.
import { join } from "path";
import { summaryOf } from "../../report/summary";
import type { Summary } from "../../report/summary-types";
import { CrashStore } from "../../store/crash-store";
import type { FindingFile } from "../../store/finding-file";
import { KnownSignatures } from "../../store/known";
import { SWEEP_POINTS } from "../sweep";
import { combineReports } from "./combine-reports";
import { runFuzz, type CampaignStatus, type FuzzReport } from "./fuzz-campaign";
import { withOptions, type FuzzOptions } from "./fuzz-options";
import { pointsDone, type EnginePlan, type NightlyPlan } from "./nightly-plan";
import { clearCrashes, CRASHES, relativeFinding, writeCrashes, writeReports } from "./output-folder";
import { stopAsked } from "./stop-signal";

export interface NightlyOptions {
  /** The campaigns' settings; each phase sets its engine, runs, shard and time. */
  readonly fuzz: FuzzOptions;
  readonly timeSeconds: number;
  readonly out: string;
  /** The UTC day of the run, YYYY-MM-DD. */
  readonly date: string;
  /** Total scenarios instead of the paced plan. */
  readonly runs?: number;
}

export interface NightlyContext {
  stopSignal?: Int32Array;
  onStatus?(status: CampaignStatus): void;
  /** An engine's phase ended (its reports combined into one). */
  onPhaseDone?(engine: string, report: FuzzReport): void;
}

interface PhaseResult {
  report: FuzzReport;
  plan: EnginePlan;
  complete: boolean;
  /** Scenarios each sweep part ran (one entry per part; the other engines: one). */
  partExecs: number[];
}

/** Runs one engine's planned scenarios (or its parts') and stops it at its deadline at the latest. */
async function runPhase(
  o: NightlyOptions,
  plan: EnginePlan,
  parts: NightlyPlan["sweepParts"],
  started: number,
  context: NightlyContext,
): Promise<PhaseResult> {
  const base = withOptions(o.fuzz, { engine: plan.engine, runs: plan.runs });
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
    if (timeMs <= 0 || stopAsked(context.stopSignal)) {
      complete = false;
      partExecs.push(0);
      continue;
    }
    const r = await runFuzz(withOptions(base, { runs: piece.runs, shard: piece.shard, timeMs }), {
      ...(context.stopSignal ? { stopSignal: context.stopSignal } : {}),
      ...(context.onStatus ? { onStatus: context.onStatus } : {}),
    });
    if (r.stats.execs < piece.runs) complete = false;
    reports.push(r);
    partExecs.push(r.stats.execs);
  }
  const report =
    reports.length === 1 && plan.engine !== "sweep"
      ? reports[0]!
      : combineReports(reports, withOptions(base, { shard: o.fuzz.shard }));
  context.onPhaseDone?.(plan.engine, report);
  return { report, plan, complete, partExecs };
}

/** Where the campaigns write finding files: the output folder's crashes/ unless the options name another. */
function crashesOf(o: NightlyOptions): string {
  return o.fuzz.crashesDir ?? join(o.out, CRASHES);
}

/** The summary of the phases, with `new` meaning "not recorded in the known folders". */
function nightlySummary(
  o: NightlyOptions,
  phases: PhaseResult[],
  plan: NightlyPlan,
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
  const sweepExecs = phases.find((p) => p.plan.engine === "sweep")?.partExecs ?? [];
  summary.sweep = {
    pointsDone: plan.sweepParts.reduce((a, p, k) => a + pointsDone(p, sweepExecs[k] ?? 0), 0),
    pointsInShard: plan.sweepParts.reduce((a, p) => a + p.points, 0),
    pointsTotal: SWEEP_POINTS,
  };
  return { summary, files };
}

/** Runs the plan, writes the output folder, and returns its summary. */
export async function runNightly(o: NightlyOptions, plan: NightlyPlan, context: NightlyContext = {}): Promise<Summary> {
  // A rerun into the same DIR starts from an empty DIR/crashes/: it holds this run's findings only.
  clearCrashes(o.out);
  const before = new Set(KnownSignatures.of(o.fuzz.known).signatures(o.fuzz.impl, o.fuzz.against));
  const started = Date.now();
  const phases: PhaseResult[] = [];
  for (const enginePlan of plan.engines) phases.push(await runPhase(o, enginePlan, plan.sweepParts, started, context));
  const { summary, files } = nightlySummary(o, phases, plan, before, Date.now() - started);
  writeReports(o.out, summary);
  writeCrashes(o.out, files, crashesOf(o));
  return summary;
}
