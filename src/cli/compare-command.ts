// `vmm-difffuzz compare --impl A --impl B`: runs the sweep and a random budget on each implementation (against the
// same reference), writes each one's output folder (summaries, map.svg, crashes/) and prints both finding tables
// side by side: does the next version of the patch fix what the last one broke?
import { join } from "path";
import { compareFolder, runCompare, type CompareOptions } from "../engine/driver/compare-run";
import { comparisonTable, worst } from "../report/compare-table";
import { campaignOptions } from "./campaign-options";
import type { ParsedArgs } from "./flags";
import { Interrupt } from "./interrupt";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, flagList, noPositional, positiveNumber } from "./options";
import { statusPrinter } from "./status-printer";

export interface CompareCommandOptions extends CompareOptions {
  readonly impls: readonly string[];
  readonly quiet: boolean;
  readonly json: boolean;
}

export function resolveCompareOptions(args: ParsedArgs): CompareCommandOptions {
  noPositional(args, "compare");
  const impls = flagList(args, "impl");
  if (impls.length !== 2) throw new UsageError("compare needs two implementations: --impl A --impl B");
  const out = flag(args, "out")!;
  // --time bounds the whole command: each implementation gets its half; the campaigns get their time as they start.
  const timeMs = positiveNumber(args, "time", 120) * 1000;
  const campaigns = impls.map((impl) =>
    campaignOptions(args, { impl, crashesDir: join(compareFolder(out, impl), "crashes"), timeMs: Infinity }),
  );
  return Object.freeze({
    impls: Object.freeze(impls),
    campaigns: Object.freeze(campaigns),
    out,
    timeMs,
    quiet: bool(args, "quiet"),
    json: bool(args, "json"),
  });
}

export async function compareCommand(args: ParsedArgs, io: Io): Promise<number> {
  const o = resolveCompareOptions(args);
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  const summaries = await runCompare(o, {
    ...(interrupt ? { stopSignal: interrupt.signal } : {}),
    ...(o.quiet ? {} : { onStatus: statusPrinter(io) }),
    onCampaign: (c) => {
      const shard = c.engine === "sweep" && c.shard.count > 1 ? ` shard ${c.shard.index}/${c.shard.count}` : "";
      io.err(`${c.impl}: ${c.engine}${shard}, ${(c.timeMs / 1000).toFixed(0)} s…\n`);
    },
  }).finally(() => unlisten?.());
  const names = o.impls;
  if (o.json) {
    const json = names.map((n, i) => ({
      impl: n,
      worst: worst(summaries[i]!),
      folder: compareFolder(o.out, n),
      findings: summaries[i]!.findings.map((f) => ({ signature: f.signature, severity: f.severity, hits: f.hits })),
    }));
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(comparisonTable(names, summaries));
    io.out(
      names.map((n) => `${n}: ${join(o.out, n, "summary.html")} (map: ${join(o.out, n, "map.svg")})`).join("\n") + "\n",
    );
  }
  if (interrupt?.interrupted) return EXIT_INTERRUPTED;
  return summaries.some((s) => worst(s) !== "none") ? EXIT_FINDINGS : EXIT_OK;
}
