// Numbers the summary renderers (Markdown, HTML, terminal) all show, computed once from a Summary.
import type { Summary, SummaryFinding } from "./summary-types";

export interface EngineFacts {
  engine: string;
  shards: string[];
  jobs: number;
  execs: number;
  seconds: number;
  /** Sum of planned scenarios (undefined when no run had a plan). */
  planned?: number;
  /** Every run of the engine ran its plan (undefined when unknown). */
  complete?: boolean;
  /** Signatures this engine hit at least once. */
  signatures: number;
  /** Signatures this engine hit before any other. */
  firstToHit: number;
}

export interface SummaryFacts {
  title: string;
  /** Lines describing what ran, without markup. */
  about: string[];
  execs: number;
  seconds: number;
  rate: number;
  engines: EngineFacts[];
  newFindings: SummaryFinding[];
  coverage?: string;
}

/** What stands for the replay command of a finding without a file (info findings are not stored). */
/** The columns of the per-engine table, the same in summary.md and summary.html. */
export const ENGINE_COLUMNS = [
  "engine",
  "shards",
  "jobs",
  "scenarios",
  "planned",
  "ran its plan",
  "seconds",
  "scenarios/s",
  "signatures",
  "hit first",
];

export const NOT_STORED = "not stored (info)";

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

export function firstHitText(f: SummaryFinding): string {
  return `${f.firstHit.engine} #${count(f.firstHit.execs)}, ${seconds(f.firstHit.seconds)}`;
}

export function byEngineText(f: SummaryFinding): string {
  return Object.entries(f.byEngine)
    .map(([e, n]) => `${e} ${count(n)}`)
    .join(", ");
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return "0 %";
  const p = (100 * part) / whole;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(p >= 1 ? 1 : 2)} %`;
}

export function summaryFacts(s: Summary): SummaryFacts {
  const engines = new Map<string, EngineFacts>();
  for (const r of s.runs) {
    const e = engines.get(r.engine) ?? {
      engine: r.engine,
      shards: [],
      jobs: 0,
      execs: 0,
      seconds: 0,
      signatures: 0,
      firstToHit: 0,
    };
    if (!e.shards.includes(r.shard)) e.shards.push(r.shard);
    e.jobs = Math.max(e.jobs, r.jobs);
    e.execs += r.execs;
    e.seconds += r.seconds;
    if (r.planned !== undefined) e.planned = (e.planned ?? 0) + r.planned;
    if (r.complete !== undefined) e.complete = (e.complete ?? true) && r.complete;
    engines.set(r.engine, e);
  }
  for (const f of s.findings) {
    for (const [engine, hits] of Object.entries(f.byEngine)) {
      const e = engines.get(engine);
      if (e && hits > 0) e.signatures++;
    }
    const first = engines.get(f.firstHit.engine);
    if (first) first.firstToHit++;
  }
  const execs = s.runs.reduce((a, r) => a + r.execs, 0);
  const secs = s.runs.reduce((a, r) => a + r.seconds, 0);
  const merged = s.mergedShards && s.mergedShards.length > 0;
  const kind = s.date ? "nightly" : "campaign";
  const title = `vmm-difffuzz ${kind}: ${s.impl} vs ${s.against}${s.date ? `, ${s.date}` : ""}`;
  const about = [
    [
      `seed ${s.seed}`,
      s.timeSeconds !== undefined ? `time budget ${s.timeSeconds} s${merged ? " per shard" : ""}` : "",
      merged ? `merged from ${s.mergedShards!.length} shards (${s.mergedShards!.join(", ")})` : "",
      !merged && s.shard && s.shard !== "0/1" ? `shard ${s.shard}` : "",
      s.elapsedSeconds !== undefined ? `wall clock ${seconds(s.elapsedSeconds)}` : "",
    ]
      .filter(Boolean)
      .join(", "),
    `${count(execs)} scenarios in ${seconds(secs)} of engine time (${count(Math.round(execs / Math.max(secs, 0.001)))} scenarios/s)`,
  ];
  let coverage: string | undefined;
  if (s.sweep) {
    const { pointsDone, pointsInShard, pointsTotal } = s.sweep;
    coverage =
      `sweep covered ${count(pointsDone)} of ${count(pointsTotal)} profile points (${percent(pointsDone, pointsTotal)})` +
      (pointsInShard !== pointsTotal
        ? `; ${percent(pointsDone, pointsInShard)} of the ${count(pointsInShard)} of this ${merged ? "run's shards" : "shard"}`
        : "");
  }
  return {
    title,
    about,
    execs,
    seconds: secs,
    rate: execs / Math.max(secs, 0.001),
    engines: [...engines.values()],
    newFindings: s.findings.filter((f) => f.new),
    coverage,
  };
}
