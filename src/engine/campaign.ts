// A campaign: an engine produces scenarios, each runs through A and B, and every signature seen for the first
// time is minimized and handed on. The campaign keeps counts; it writes no files and prints nothing.
import type { Finding } from "../diff/finding";
import { runPair, type Implementation, type PairResult } from "../diff/run-pair";
import type { Severity } from "../diff/classes";
import type { Scenario } from "../scenario/types";
import { minimize } from "./minimize";
import type { FastCheckReplay } from "./origin";

export interface CampaignOptions {
  implA: Implementation;
  implB: Implementation;
  /** Stop after this many scenarios (Infinity: none). */
  runs: number;
  /** Stop after this many milliseconds of wall-clock time (Infinity: none). */
  timeMs: number;
  /** Minimize each new signature within this many candidates / milliseconds; 0 candidates: store as found. */
  minimizeCandidates: number;
  minimizeTimeMs: number;
  profiles: Parameters<typeof minimize>[2]["profiles"];
  /** Real hosts the minimizer tries first (absent: none). */
  realHosts?: Parameters<typeof minimize>[2]["realHosts"];
  /** Signatures already known (e.g. in crashes/): still counted, not minimized again. */
  known: (signature: string) => boolean;
  /** Shared with the main thread, which sets element 0 on SIGINT/SIGTERM: the campaign then stops. */
  stopSignal?: Int32Array;
}

/** A signature hit for the first time in this campaign. */
export interface NewSignature {
  finding: Finding;
  /** The scenario as the engine produced it, and minimized. */
  original: Scenario;
  scenario: Scenario;
  /** Scenarios run when it was first hit (1-based). */
  execs: number;
  elapsedMs: number;
  known: boolean;
  /** The engine's words for the scenario it produced (e.g. the random draw's index). */
  origin: string;
  /** How fast-check replays the scenario it produced (property engine only). */
  fastCheck: FastCheckReplay | null;
  /** The evidence: A's and B's outcomes and the findings of `scenario`'s run, the one the finding is taken from. */
  run: PairResult;
}

export interface CampaignStats {
  execs: number;
  elapsedMs: number;
  hits: Map<string, { count: number; firstExecs: number; firstMs: number; severity: Severity }>;
  bySeverity: Record<string, number>;
}

export interface CampaignSink {
  onNew(n: NewSignature): void;
  onProgress?(stats: CampaignStats): void;
}

/** The engine's words for a scenario, or how to make them: read only when the scenario hits a new signature. */
export type Origin = string | (() => string);

/** The words of an origin. */
export function originText(origin: Origin): string {
  return typeof origin === "string" ? origin : origin();
}

/** What an engine sees: run a scenario, learn its findings, know when to stop. */
export interface EngineContext {
  /** `origin`: the engine's words for the scenario; `fastCheck`: how fast-check replays it. */
  execute(scenario: Scenario, origin?: Origin, fastCheck?: FastCheckReplay): Finding[];
  shouldStop(): boolean;
  /** Counts scenarios run outside `execute` (by an external fuzzer process). */
  addExecs(n: number): void;
  /** Milliseconds left of the time budget (Infinity: none). */
  remainingMs(): number;
}

export type Engine = (ctx: EngineContext) => void;

const PROGRESS_EVERY_MS = 3000;

export class Campaign {
  readonly stats: CampaignStats = { execs: 0, elapsedMs: 0, hits: new Map(), bySeverity: {} };
  private readonly started = Date.now();
  private lastProgress = Date.now();
  private stopped = false;
  /** The clock is read every 64 scenarios, not on each one. */
  private nextClockCheck = 0;

  constructor(
    private readonly options: CampaignOptions,
    private readonly sink: CampaignSink,
  ) {}

  /** Stops the campaign at the next scenario (e.g. on SIGINT). */
  stop(): void {
    this.stopped = true;
  }

  run(engine: Engine): CampaignStats {
    engine({
      execute: (s, origin, fastCheck) => this.execute(s, origin ?? "", fastCheck ?? null),
      shouldStop: () => this.shouldStop(),
      addExecs: (n) => {
        this.stats.execs += n;
      },
      remainingMs: () => this.options.timeMs - (Date.now() - this.started),
    });
    this.stats.elapsedMs = Date.now() - this.started;
    return this.stats;
  }

  private shouldStop(): boolean {
    if (this.stopped || this.stats.execs >= this.options.runs) return true;
    if (this.stats.execs >= this.nextClockCheck) {
      this.nextClockCheck = this.stats.execs + 64;
      const now = Date.now();
      this.stats.elapsedMs = now - this.started;
      if (this.sink.onProgress && now - this.lastProgress >= PROGRESS_EVERY_MS) {
        this.lastProgress = now;
        this.sink.onProgress(this.stats);
      }
      if (this.stats.elapsedMs >= this.options.timeMs) this.stopped = true;
      if (this.options.stopSignal && Atomics.load(this.options.stopSignal, 0) !== 0) this.stopped = true;
      return this.stopped;
    }
    return false;
  }

  execute(scenario: Scenario, origin: Origin, fastCheck: FastCheckReplay | null = null): Finding[] {
    const { implA, implB } = this.options;
    const result = runPair(scenario, implA, implB);
    const { findings } = result;
    this.stats.execs++;
    for (const f of findings) {
      const hit = this.stats.hits.get(f.signature);
      if (hit) {
        hit.count++;
        continue;
      }
      const elapsedMs = Date.now() - this.started;
      this.stats.hits.set(f.signature, {
        count: 1,
        firstExecs: this.stats.execs,
        firstMs: elapsedMs,
        severity: f.severity,
      });
      this.stats.bySeverity[f.severity] = (this.stats.bySeverity[f.severity] ?? 0) + 1;
      const known = this.options.known(f.signature);
      // Info findings (PTE bits only) are reported, not stored: no need to shrink them.
      const small = known || f.severity === "info" ? scenario : this.shrink(scenario, f.signature);
      // The minimized scenario runs once more, and that run is the finding's evidence; one not shrunk has run already.
      const run = small === scenario ? result : runPair(small, implA, implB);
      const final = run.findings.find((g) => g.signature === f.signature) ?? f;
      this.sink.onNew({
        finding: final,
        original: scenario,
        scenario: small,
        execs: this.stats.execs,
        elapsedMs,
        known,
        origin: originText(origin),
        fastCheck,
        run,
      });
    }
    return findings;
  }

  private shrink(scenario: Scenario, signature: string): Scenario {
    const { implA, implB, minimizeCandidates, minimizeTimeMs, profiles, realHosts } = this.options;
    if (minimizeCandidates <= 0) return scenario;
    const test = (s: Scenario) => runPair(s, implA, implB).findings.some((g) => g.signature === signature);
    return minimize(scenario, test, {
      maxCandidates: minimizeCandidates,
      timeLimitMs: minimizeTimeMs,
      profiles,
      realHosts,
    }).scenario;
  }
}
