// `vmm-difffuzz nightly`: an unattended run of the random, property and sweep engines within one time budget, with
// a date seed, writing one output folder (see engine/driver/output-folder.ts); exit 1 when a signature not recorded
// in crashes/ or corpus/ was found.
import { availableParallelism } from "os";
import { join } from "path";
import { NIGHTLY_SHARES, dateSeed, nightlyPlan, planText, utcDay } from "../engine/driver/nightly-plan";
import { runNightly, type NightlyOptions } from "../engine/driver/nightly-run";
import { CRASHES } from "../engine/driver/output-folder";
import { SWEEP_POINTS } from "../engine/sweep";
import { statusLine } from "../report/progress";
import { summaryText } from "../report/summary-text";
import { campaignOptions, seedOf } from "./campaign-options";
import type { ParsedArgs } from "./flags";
import { Interrupt } from "./interrupt";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, noPositional, positiveInteger, positiveNumber } from "./options";
import { statusPrinter } from "./status-printer";

export interface NightlyCommandOptions extends NightlyOptions {
  /** No status lines on stderr. */
  readonly quiet: boolean;
}

export function resolveNightlyOptions(args: ParsedArgs, now: Date): NightlyCommandOptions {
  noPositional(args, "nightly");
  if (!args.flags.has("time")) throw new UsageError("needs --time SECONDS (the whole run's budget)");
  const out = flag(args, "out");
  if (out === undefined || out === "") throw new UsageError("needs --out DIR (the output folder)");
  const timeSeconds = positiveNumber(args, "time", 0);
  const runs = args.flags.has("runs") ? positiveInteger(args, "runs", 1) : undefined;
  // --runs is the whole run's total, split by the plan; each phase sets its engine, runs and time.
  const fuzz = campaignOptions(args, {
    engine: "random",
    seed: args.flags.has("seed") ? seedOf(args) : dateSeed(now),
    jobs: args.flags.has("jobs") ? positiveInteger(args, "jobs", 1) : availableParallelism(),
    timeMs: timeSeconds * 1000,
    runs: Infinity,
    // Finding files go to DIR/crashes/ only: the repository's folders are read (as known), never written.
    crashesDir: join(out, CRASHES),
  });
  return Object.freeze({
    fuzz,
    timeSeconds,
    out,
    date: utcDay(now),
    quiet: bool(args, "quiet"),
    ...(runs === undefined ? {} : { runs }),
  });
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
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  const summary = await runNightly(o, plan, {
    ...(interrupt ? { stopSignal: interrupt.signal } : {}),
    ...(o.quiet ? {} : { onStatus: statusPrinter(io) }),
    onPhaseDone: (engine, report) => {
      if (!o.quiet) io.err(`${statusLine("DONE", report.stats, report.stats.elapsedMs)} ${engine}\n`);
      for (const e of report.workerErrors) io.err(`vmm-difffuzz nightly: ${engine}: ${e}\n`);
    },
  }).finally(() => unlisten?.());
  io.out(summaryText(summary, o.out));
  if (interrupt?.interrupted) {
    io.out(`interrupted by ${interrupt.signalName}: engines "stopped by the clock" were stopped by it; exit 130\n`);
    return EXIT_INTERRUPTED;
  }
  return summary.findings.some((f) => f.new) ? EXIT_FINDINGS : EXIT_OK;
}
