// Compare: the sweep and a random search on each implementation within one time bound, each implementation's
// campaigns summarized in an output folder of its own (summaries, map.svg, crashes/).
import { join } from "path";
import { summaryOf } from "../../report/summary";
import type { Summary } from "../../report/summary-types";
import { CrashStore } from "../../store/crash-store";
import { runFuzz, type CampaignStatus } from "./fuzz-campaign";
import { withOptions, type FuzzOptions } from "./fuzz-options";
import { writeReports } from "./output-folder";

export interface CompareOptions {
  /** One implementation's campaign settings each, in column order; each writes into `out`/<impl>/crashes/. */
  readonly campaigns: readonly FuzzOptions[];
  readonly out: string;
  /** The bound of the whole comparison: each implementation gets its equal share. */
  readonly timeMs: number;
}

export interface CompareContext {
  stopSignal?: Int32Array;
  onStatus?(status: CampaignStatus): void;
  /** A campaign is about to start with `timeMs` of its implementation's share. */
  onCampaign?(campaign: FuzzOptions): void;
}

/** The output folder of one implementation's campaigns. */
export function compareFolder(out: string, impl: string): string {
  return join(out, impl);
}

/** One implementation's sweep and random search, both within `deadline` (ms since the epoch). */
async function campaignsOf(
  base: FuzzOptions,
  out: string,
  deadline: number,
  context: CompareContext,
): Promise<Summary> {
  const dir = compareFolder(out, base.impl);
  const run = (o: FuzzOptions) => {
    context.onCampaign?.(o);
    return runFuzz(o, {
      ...(context.stopSignal ? { stopSignal: context.stopSignal } : {}),
      ...(context.onStatus ? { onStatus: context.onStatus } : {}),
    });
  };
  // The sweep gets half of this implementation's time, the random search what is left of it.
  const sweepOptions = withOptions(base, { engine: "sweep", timeMs: Math.max(1, (deadline - Date.now()) / 2) });
  const sweep = await run(sweepOptions);
  const random = await run(withOptions(base, { engine: "random", timeMs: Math.max(1, deadline - Date.now()) }));
  const summary = summaryOf([sweep, random], new CrashStore(join(dir, "crashes")), sweepOptions.seed);
  writeReports(dir, summary);
  return summary;
}

/** Runs every implementation's campaigns in turn; their summaries, in the same order. */
export async function runCompare(o: CompareOptions, context: CompareContext = {}): Promise<Summary[]> {
  const started = Date.now();
  const summaries: Summary[] = [];
  for (const [i, campaign] of o.campaigns.entries()) {
    const deadline = started + (o.timeMs * (i + 1)) / o.campaigns.length;
    summaries.push(await campaignsOf(campaign, o.out, deadline, context));
  }
  return summaries;
}
