// `vmm-difffuzz minimize FILE`: shrinks a finding (or a scenario's worst finding) to the smallest scenario with
// the same signature, and stores it in crashes/ (replacing a larger one).
import { severityRank } from "../diff/classes";
import { runPair } from "../diff/run-pair";
import { minimize } from "../engine/minimize";
import { MINIMIZE_CANDIDATES } from "../engine/session";
import { DEFAULT_IMPL, implementation, REFERENCE } from "../impls";
import { PROFILES } from "../scenario/profiles";
import { PROFILE_ORDER } from "../scenario/space";
import { CrashStore } from "../store/crash-store";
import { makeFindingFile } from "../store/make-finding-file";
import { scenarioSize } from "../store/scenario-size";
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { bool, flag, positiveNumber } from "./options";

export function minimizeCommand(args: ParsedArgs, io: Io): number {
  if (args.positional.length !== 1) throw new UsageError("minimize takes exactly one FILE");
  const file = args.positional[0]!;
  const input = readInputFile(file);
  if (!input.ok) {
    io.err(`${input.error}\n`);
    return EXIT_BAD_INPUT;
  }
  const recorded = input.kind === "finding" ? input.finding : null;
  const implA = implementation(flag(args, "impl") ?? recorded?.impl ?? DEFAULT_IMPL);
  const implB = implementation(flag(args, "against") ?? recorded?.against ?? REFERENCE);
  const findings = runPair(input.scenario, implA, implB).findings;
  const target = recorded
    ? findings.find((f) => f.signature === recorded.signature)
    : [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0];
  if (target?.severity === "info") {
    // crashes/ holds divergences; PTE bits that differ alone are listed by replay, never stored.
    io.err(`${file}: (scenario): its finding is info (${target.signature}): nothing to store\n`);
    return EXIT_BAD_INPUT;
  }
  if (!target) {
    io.err(`${file}: (scenario): shows no ${recorded ? "finding with its recorded signature" : "finding"} now\n`);
    return EXIT_BAD_INPUT;
  }
  const started = Date.now();
  const result = minimize(
    input.scenario,
    (s) => runPair(s, implA, implB).findings.some((f) => f.signature === target.signature),
    {
      maxCandidates: MINIMIZE_CANDIDATES,
      timeLimitMs: positiveNumber(args, "minimize-time", 5) * 1000,
      profiles: PROFILE_ORDER.map((n) => PROFILES[n].cpu),
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const final = runPair(result.scenario, implA, implB).findings.find((f) => f.signature === target.signature)!;
  const store = new CrashStore(flag(args, "crashes")!);
  const found = recorded?.found ?? { engine: "minimize", seed: "0", execs: 0 };
  const out = makeFindingFile(final, result.scenario, implA, implB, found);
  const stored = store.save(out);
  const size = (s: typeof input.scenario) => scenarioSize(s).slice(0, 3).join("/");
  if (bool(args, "json")) {
    const json = {
      class: target.class,
      severity: target.severity,
      signature: target.signature,
      sizeBefore: size(input.scenario),
      sizeAfter: size(result.scenario),
      candidates: result.candidates,
      seconds,
      timedOut: result.timedOut,
      stored,
      file: store.pathOf(out),
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  io.out(
    `${target.class} ${target.signature}\n` +
      `  CPUs/ranges/steps ${size(input.scenario)} -> ${size(result.scenario)} in ${result.candidates} candidates, ` +
      `${seconds.toFixed(2)} s${result.timedOut ? " (time bound hit)" : ""}\n` +
      `  ${stored === "kept" ? "kept the stored file, no larger than this" : stored} ${store.pathOf(out)}\n`,
  );
  return EXIT_OK;
}
