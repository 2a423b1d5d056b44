// `vmm-difffuzz fuzz`: one campaign of one engine; new signatures are minimized and stored in crashes/ as found.
import { isNew, runFuzz } from "../engine/driver/fuzz-campaign";
import type { FuzzOptions } from "../engine/driver/fuzz-options";
import { fuzzReportJson, fuzzSummaryText } from "../report/fuzz-summary";
import { statusLine } from "../report/progress";
import { campaignOptions } from "./campaign-options";
import type { ParsedArgs } from "./flags";
import { Interrupt } from "./interrupt";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, type Io } from "./io";
import { bool, noPositional } from "./options";
import { statusPrinter } from "./status-printer";

export interface FuzzCommandOptions {
  readonly campaign: FuzzOptions;
  /** No status lines on stderr. */
  readonly quiet: boolean;
  readonly json: boolean;
}

export function resolveFuzzOptions(args: ParsedArgs): FuzzCommandOptions {
  noPositional(args, "fuzz");
  return Object.freeze({ campaign: campaignOptions(args), quiet: bool(args, "quiet"), json: bool(args, "json") });
}

export async function fuzzCommand(args: ParsedArgs, io: Io): Promise<number> {
  const o = resolveFuzzOptions(args);
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  const report = await runFuzz(o.campaign, {
    ...(interrupt ? { stopSignal: interrupt.signal } : {}),
    ...(o.quiet ? {} : { onStatus: statusPrinter(io) }),
  }).finally(() => unlisten?.());
  if (!o.quiet) io.err(`${io.errIsTty ? "\r\x1b[K" : ""}${statusLine("DONE", report.stats, report.stats.elapsedMs)}\n`);
  io.out(o.json ? `${JSON.stringify(fuzzReportJson(report), null, 2)}\n` : fuzzSummaryText(report));
  for (const e of report.workerErrors) io.err(`implementation-error: ${e}\n`);
  if (interrupt?.interrupted) return EXIT_INTERRUPTED;
  return report.found.some(isNew) || report.workerErrors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
