// `vmm-difffuzz minimize FILE`: shrinks a finding (or a scenario's worst finding) to the smallest scenario with
// the same signature, and stores it in crashes/ (replacing a larger one).
import { minimizeFinding, type MinimizeOptions } from "../engine/driver/minimize-finding";
import { labelLine } from "../report/label-words";
import type { Scenario } from "../scenario/types";
import { scenarioSize } from "../store/scenario-size";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, positiveNumber } from "./options";

export interface MinimizeCommandOptions extends MinimizeOptions {
  readonly file: string;
  readonly json: boolean;
}

export function resolveMinimizeOptions(args: ParsedArgs): MinimizeCommandOptions {
  if (args.positional.length !== 1) throw new UsageError("minimize takes exactly one FILE");
  return Object.freeze({
    file: args.positional[0]!,
    impl: flag(args, "impl") ?? null,
    against: flag(args, "against") ?? null,
    baseline: flag(args, "baseline") ?? null,
    minimizeTimeMs: positiveNumber(args, "minimize-time", 5) * 1000,
    crashesDir: flag(args, "crashes")!,
    json: bool(args, "json"),
  });
}

export function minimizeCommand(args: ParsedArgs, io: Io): number {
  const o = resolveMinimizeOptions(args);
  const input = readInputFile(o.file);
  if (!input.ok) {
    io.err(`${input.error}\n`);
    return EXIT_BAD_INPUT;
  }
  const recorded = input.kind === "finding" ? input.finding : null;
  const r = minimizeFinding(input.scenario, recorded, o);
  if (r.kind === "info") {
    io.err(`${o.file}: (scenario): its finding is info (${r.target.signature}): nothing to store\n`);
    return EXIT_BAD_INPUT;
  }
  if (r.kind === "none") {
    io.err(`${o.file}: (scenario): shows no ${recorded ? "finding with its recorded signature" : "finding"} now\n`);
    return EXIT_BAD_INPUT;
  }
  const size = (s: Scenario) => scenarioSize(s).slice(0, 3).join("/");
  const { target } = r;
  if (o.json) {
    const json = {
      class: target.class,
      severity: target.severity,
      signature: target.signature,
      sizeBefore: size(input.scenario),
      sizeAfter: size(r.scenario),
      candidates: r.candidates,
      seconds: r.seconds,
      timedOut: r.timedOut,
      stored: r.stored,
      file: r.path,
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out(
    `${target.class} ${target.signature}\n` +
      `  ${labelLine(r.file)}\n` +
      `  CPUs/ranges/steps ${size(input.scenario)} -> ${size(r.scenario)} in ${r.candidates} candidates, ` +
      `${r.seconds.toFixed(2)} s${r.timedOut ? " (time bound hit)" : ""}\n` +
      `  ${r.stored === "kept" ? "kept the stored file, no larger than this" : r.stored} ${r.path}\n`,
  );
  return EXIT_OK;
}
