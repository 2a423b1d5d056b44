// Minimizing one finding on its own (the minimize command): the smallest scenario with the same signature, stored
// in a crash store, its file made from the run of the minimized scenario.
import { severityRank } from "../../diff/classes";
import type { Finding } from "../../diff/finding";
import { runPair } from "../../diff/run-pair";
import { baselineImplementation, baselineName, DEFAULT_IMPL, defaultAgainst, implementation } from "../../impls";
import type { Scenario } from "../../scenario/types";
import { CrashStore, type SaveResult } from "../../store/crash-store";
import type { FindingFile } from "../../store/finding-file";
import { findingRecord } from "../finding-record";
import { minimize, minimizerProfiles, realHostProfiles } from "../minimize";
import { MINIMIZE_CANDIDATES } from "../session";

export interface MinimizeOptions {
  /** A null setting takes the finding file's, else the default (posted against the reference, pre-patch). */
  readonly impl: string | null;
  readonly against: string | null;
  readonly baseline: string | null;
  readonly minimizeTimeMs: number;
  readonly crashesDir: string;
}

export type MinimizeResult =
  /** The target is info (PTE bits only): nothing is stored. */
  | { kind: "info"; target: Finding }
  /** The scenario shows no finding (with the recorded signature, for a finding file). */
  | { kind: "none" }
  | {
      kind: "stored";
      target: Finding;
      scenario: Scenario;
      candidates: number;
      seconds: number;
      timedOut: boolean;
      stored: SaveResult;
      path: string;
      file: FindingFile;
    };

/** Minimizes the recorded finding of a finding file, or the worst finding of a scenario, and stores it. */
export function minimizeFinding(scenario: Scenario, recorded: FindingFile | null, o: MinimizeOptions): MinimizeResult {
  const implA = implementation(o.impl ?? recorded?.impl ?? DEFAULT_IMPL);
  const implB = implementation(o.against ?? recorded?.against ?? defaultAgainst(implA.name));
  const findings = runPair(scenario, implA, implB).findings;
  const target = recorded
    ? findings.find((f) => f.signature === recorded.signature)
    : [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0];
  // crashes/ holds divergences; PTE bits that differ alone are listed by replay, never stored.
  if (target?.severity === "info") return { kind: "info", target };
  if (!target) return { kind: "none" };
  const started = Date.now();
  const result = minimize(
    scenario,
    (s) => runPair(s, implA, implB).findings.some((f) => f.signature === target.signature),
    {
      maxCandidates: MINIMIZE_CANDIDATES,
      timeLimitMs: o.minimizeTimeMs,
      profiles: minimizerProfiles(),
      realHosts: realHostProfiles(),
    },
  );
  const seconds = (Date.now() - started) / 1000;
  // The minimized scenario's run is the finding's evidence.
  const run = runPair(result.scenario, implA, implB);
  const finding = run.findings.find((f) => f.signature === target.signature)!;
  const found = recorded?.found ?? { engine: "minimize", seed: "0", execs: 0 };
  const baseline = baselineImplementation(baselineName(o.baseline ?? recorded?.baseline ?? undefined, implA.name));
  const file = findingRecord({ finding, scenario: result.scenario, run }, implA, implB, baseline, found);
  const store = new CrashStore(o.crashesDir);
  const stored = store.save(file);
  return {
    kind: "stored",
    target,
    scenario: result.scenario,
    candidates: result.candidates,
    seconds,
    timedOut: result.timedOut,
    stored,
    path: store.pathOf(file),
    file,
  };
}
