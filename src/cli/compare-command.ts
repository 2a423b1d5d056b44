// `vmm-difffuzz compare --impl A --impl B`: runs the sweep and a random budget on each implementation (against the
// same reference), writes each one's output folder (summaries, map.svg, crashes/) and prints both finding tables
// side by side: does the next version of the patch fix what the last one broke?
import { join } from "path";
import { severityRank, type Severity } from "../diff/classes";
import { summaryOf } from "../report/summary";
import type { Summary } from "../report/summary-types";
import { CrashStore } from "../store/crash-store";
import { FUZZ_FLAGS } from "./commands";
import { argsOf, type ParsedArgs } from "./flags";
import { resolveFuzzOptions, runFuzz } from "./fuzz-command";
import { Interrupt } from "./interrupt";
import { EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, flagList, noPositional, positiveNumber } from "./options";
import { writeReports } from "./output-folder";

/** One implementation's sweep and random search, both within `deadline` (ms since the epoch). */
async function campaignOf(
  args: ParsedArgs,
  impl: string,
  out: string,
  deadline: number,
  io: Io,
  interrupt?: Interrupt,
): Promise<Summary> {
  const dir = join(out, impl);
  const base = new Map(args.flags);
  for (const name of ["impl", "out", "time", "json"]) base.delete(name);
  base.set("impl", [impl]);
  base.set("crashes", [join(dir, "crashes")]);
  const options = (engine: string) =>
    resolveFuzzOptions(argsOf(FUZZ_FLAGS, new Map([...base, ["engine", [engine]], ["time", ["1"]]])));
  const context = interrupt ? { interrupt } : {};
  // The sweep gets half of this implementation's time, the random search what is left of it.
  const sweepMs = Math.max(1, (deadline - Date.now()) / 2);
  const sweepOptions = { ...options("sweep"), timeMs: sweepMs };
  io.err(
    `${impl}: sweep${sweepOptions.shard.count > 1 ? ` shard ${sweepOptions.shard.index}/${sweepOptions.shard.count}` : ""}, ${(sweepMs / 1000).toFixed(0)} s…\n`,
  );
  const sweep = await runFuzz(sweepOptions, io, context);
  const randomMs = Math.max(1, deadline - Date.now());
  io.err(`${impl}: random, ${(randomMs / 1000).toFixed(0)} s…\n`);
  const random = await runFuzz({ ...options("random"), timeMs: randomMs }, io, context);
  const summary = summaryOf([sweep, random], new CrashStore(join(dir, "crashes")), sweepOptions.seed);
  writeReports(dir, summary);
  return summary;
}

function worst(s: Summary): Severity | "none" {
  const above = s.findings.filter((f) => f.severity !== "info");
  return above.length === 0
    ? "none"
    : [...above].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0]!.severity;
}

/** One row per signature above info: its class and severity, and each implementation's hits. */
export function comparisonTable(names: readonly string[], summaries: readonly Summary[]): string {
  const rows = new Map<string, { severity: Severity; cls: string; hits: number[] }>();
  summaries.forEach((s, i) => {
    for (const f of s.findings) {
      if (f.severity === "info") continue;
      const row = rows.get(f.signature) ?? { severity: f.severity, cls: f.class, hits: names.map(() => 0) };
      row.hits[i] = f.hits;
      rows.set(f.signature, row);
    }
  });
  const sorted = [...rows].sort(
    ([a, x], [b, y]) => severityRank(x.severity) - severityRank(y.severity) || a.localeCompare(b),
  );
  const head = `${"severity".padEnd(11)}${names.map((n) => n.padStart(12)).join("")}  signature`;
  const lines = sorted.map(
    ([sig, r]) =>
      `${r.severity.padEnd(11)}${r.hits.map((h) => (h === 0 ? "-" : String(h)).padStart(12)).join("")}  ${sig}`,
  );
  const totals = `${"worst".padEnd(11)}${summaries.map((s) => worst(s).padStart(12)).join("")}`;
  return [head, ...lines, totals].join("\n") + "\n";
}

export async function compareCommand(args: ParsedArgs, io: Io): Promise<number> {
  noPositional(args, "compare");
  const names = flagList(args, "impl");
  if (names.length !== 2) throw new UsageError("compare needs two implementations: --impl A --impl B");
  const out = flag(args, "out")!;
  // --time bounds the whole command: each implementation gets its half.
  const totalMs = positiveNumber(args, "time", 120) * 1000;
  const started = Date.now();
  const interrupt = io.process ? new Interrupt() : undefined;
  const unlisten = interrupt?.listen(io);
  const summaries: Summary[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const deadline = started + (totalMs * (i + 1)) / names.length;
      summaries.push(await campaignOf(args, name, out, deadline, io, interrupt));
    }
  } finally {
    unlisten?.();
  }
  if (bool(args, "json")) {
    const json = names.map((n, i) => ({
      impl: n,
      worst: worst(summaries[i]!),
      folder: join(out, n),
      findings: summaries[i]!.findings.map((f) => ({ signature: f.signature, severity: f.severity, hits: f.hits })),
    }));
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(comparisonTable(names, summaries));
    io.out(
      names.map((n) => `${n}: ${join(out, n, "summary.html")} (map: ${join(out, n, "map.svg")})`).join("\n") + "\n",
    );
  }
  if (interrupt?.interrupted) return EXIT_INTERRUPTED;
  return summaries.some((s) => worst(s) !== "none") ? EXIT_FINDINGS : EXIT_OK;
}
