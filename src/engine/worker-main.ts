// A fuzz worker thread: runs one session and reports every new signature, progress and the end to the main thread.
import { parentPort, workerData } from "worker_threads";
import { implementation } from "../impls";
import { runSession } from "./session";
import type { WorkerInput, WorkerMessage } from "./worker-protocol";

function post(m: WorkerMessage): void {
  parentPort!.postMessage(m);
}

const input = workerData as WorkerInput;
try {
  const known = new Set(input.known);
  const result = runSession(input.session, implementation(input.impl), implementation(input.against), {
    known: (sig) => known.has(sig),
    onNew: (found, stats) => post({ type: "new", found, execs: stats.execs }),
    onProgress: (stats) => post({ type: "progress", execs: stats.execs }),
  });
  post({
    type: "done",
    stats: result.stats,
    spread: result.sweep?.spread ?? null,
    map: result.divergence?.panels() ?? null,
  });
} catch (e) {
  post({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
