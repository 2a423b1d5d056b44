// Runs a session on N persistent worker threads: worker j takes seed base·N + j (random, property) or block
// part·N + j of the profile space (sweep), and an equal share of the runs. The same seed and N give the same work.
import { existsSync } from "fs";
import { join } from "path";
import { Worker } from "worker_threads";
import type { CampaignStats } from "./campaign";
import { DivergenceMap } from "./divergence-map";
import type { SessionNew, SessionOptions, SessionResult, SessionSinks } from "./session";
import { SweepMap } from "./sweep-map";
import type { WorkerInput, WorkerMessage } from "./worker-protocol";

export interface ParallelResult extends SessionResult {
  /** Workers that died outside a scenario (a bug in this project), with their error. */
  workerErrors: string[];
}

/** The part of the work worker `j` of `jobs` does. */
export function workerSession(o: SessionOptions, j: number, jobs: number): SessionOptions {
  const share = Number.isFinite(o.runs) ? Math.floor(o.runs / jobs) + (j < o.runs % jobs ? 1 : 0) : o.runs;
  return {
    ...o,
    seed: o.seed * jobs + j,
    part: { index: o.part.index * jobs + j, count: o.part.count * jobs },
    worker: { index: j, count: jobs },
    runs: share,
  };
}

function startWorker(input: WorkerInput): Worker {
  const compiled = join(__dirname, "worker-main.js");
  if (__filename.endsWith(".js") && existsSync(compiled)) return new Worker(compiled, { workerData: input });
  // Running from the TypeScript sources: the worker registers sucrase's type-stripping hook itself.
  const source = join(__dirname, "worker-main.ts");
  const boot = `require("sucrase/register/ts"); require(${JSON.stringify(source)});`;
  return new Worker(boot, { eval: true, workerData: input });
}

function emptyStats(): CampaignStats {
  return { execs: 0, elapsedMs: 0, hits: new Map(), bySeverity: {} };
}

/** Adds a worker's final stats into the total: hit counts summed, the earliest first hit kept. */
function mergeStats(total: CampaignStats, part: CampaignStats): void {
  total.execs += part.execs;
  total.elapsedMs = Math.max(total.elapsedMs, part.elapsedMs);
  for (const [sig, hit] of part.hits) {
    const mine = total.hits.get(sig);
    if (!mine) {
      total.hits.set(sig, { ...hit });
      total.bySeverity[hit.severity] = (total.bySeverity[hit.severity] ?? 0) + 1;
    } else {
      mine.count += hit.count;
      if (hit.firstMs < mine.firstMs) Object.assign(mine, { firstMs: hit.firstMs, firstExecs: hit.firstExecs });
    }
  }
}

export function runParallel(
  o: SessionOptions,
  jobs: number,
  impl: string,
  against: string,
  known: readonly string[],
  sinks: Omit<SessionSinks, "known">,
): Promise<ParallelResult> {
  const total = emptyStats();
  const sweep = o.engine === "sweep" ? new SweepMap() : null;
  const divergence = o.engine === "sweep" ? new DivergenceMap() : null;
  const workerErrors: string[] = [];
  const liveExecs = new Array<number>(jobs).fill(0);
  // What progress lines show while workers run; the final stats come from the workers' own at the end.
  const live = emptyStats();
  const progress = (): CampaignStats => ({ ...live, execs: liveExecs.reduce((a, b) => a + b, 0) });

  const one = (j: number) =>
    new Promise<void>((resolve) => {
      const worker = startWorker({ session: workerSession(o, j, jobs), impl, against, known: [...known] });
      let finished = false;
      worker.on("message", (m: WorkerMessage) => {
        switch (m.type) {
          case "new": {
            liveExecs[j] = m.execs;
            const found: SessionNew = m.found;
            const sig = found.finding.signature;
            if (!live.hits.has(sig)) {
              live.hits.set(sig, {
                count: 1,
                firstExecs: found.execs,
                firstMs: found.elapsedMs,
                severity: found.finding.severity,
              });
              live.bySeverity[found.finding.severity] = (live.bySeverity[found.finding.severity] ?? 0) + 1;
            }
            sinks.onNew(found, progress());
            break;
          }
          case "progress":
            liveExecs[j] = m.execs;
            sinks.onProgress?.(progress());
            break;
          case "done":
            finished = true;
            liveExecs[j] = m.stats.execs;
            mergeStats(total, m.stats);
            if (m.spread) sweep?.merge(m.spread);
            if (m.map) divergence?.merge(m.map);
            break;
          case "error":
            finished = true;
            workerErrors.push(`worker ${j}: ${m.message}`);
            break;
        }
      });
      worker.on("error", (e) => {
        workerErrors.push(`worker ${j}: ${e.stack ?? e.message}`);
        finished = true;
      });
      worker.on("exit", (code) => {
        if (!finished) workerErrors.push(`worker ${j} exited with code ${code} before finishing`);
        resolve();
      });
    });

  return Promise.all(Array.from({ length: jobs }, (_, j) => one(j))).then(() => ({
    stats: total,
    sweep,
    divergence,
    workerErrors,
  }));
}
