// Merges the summaries of several shards (or runs) of the same implementations into one: findings by signature
// (hits summed, the earliest first hit kept, new only if new in every summary that has it), maps cell by cell
// (the worst kept), runs listed together, sweep coverage added up.
import { compareTriage } from "../diff/labels";
import { DivergenceMap } from "../engine/divergence-map";
import { rangesText } from "../engine/sweep-map";
import { GUEST_KINDS } from "../scenario/types";
import { SUMMARY_FORMAT, type Summary, type SummaryFinding } from "./summary-types";

/** Summaries that cannot be merged (different implementations); the message names the first odd one. */
export class MergeError extends Error {}

const SPREAD = /^phys_addrsz (\S+); phys_red (\S+); C-bit (\S+); memEncrypt (on|off|any); guest (\S+)$/;

function parseRanges(text: string, size: number): Set<number> | null {
  if (text === "all") return new Set(Array.from({ length: size }, (_, i) => i));
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    for (let v = Number(m[1]); v <= Number(m[2] ?? m[1]); v++) out.add(v);
  }
  return out;
}

/** The union of two sweep spreads in words (spreadText's format); both kept side by side if one does not parse. */
export function mergeSpreads(a: string, b: string): string {
  if (a === b) return a;
  const ma = SPREAD.exec(a);
  const mb = SPREAD.exec(b);
  if (!ma || !mb) return `${a} + ${b}`;
  const union = (i: number, size: number) => {
    const x = parseRanges(ma[i]!, size);
    const y = parseRanges(mb[i]!, size);
    return x && y ? rangesText(new Set([...x, ...y]), size) : null;
  };
  const size = union(1, 256);
  const red = union(2, 64);
  const cbit = union(3, 64);
  if (size === null || red === null || cbit === null) return `${a} + ${b}`;
  const mem = ma[4] === mb[4] ? ma[4] : "any";
  const kinds = new Set([...ma[5]!.split(","), ...mb[5]!.split(",")]);
  const guest = kinds.has("any") || GUEST_KINDS.every((k) => kinds.has(k)) ? "any" : [...kinds].join(",");
  return `phys_addrsz ${size}; phys_red ${red}; C-bit ${cbit}; memEncrypt ${mem}; guest ${guest}`;
}

function earlier(a: SummaryFinding["firstHit"], b: SummaryFinding["firstHit"]): boolean {
  return a.seconds < b.seconds || (a.seconds === b.seconds && a.execs < b.execs);
}

function mergeFinding(into: SummaryFinding, f: SummaryFinding): void {
  into.hits += f.hits;
  for (const [engine, hits] of Object.entries(f.byEngine)) into.byEngine[engine] = (into.byEngine[engine] ?? 0) + hits;
  into.new &&= f.new;
  if (earlier(f.firstHit, into.firstHit)) into.firstHit = { ...f.firstHit };
  if (f.spread) into.spread = into.spread ? mergeSpreads(into.spread, f.spread) : f.spread;
}

export function mergeSummaries(summaries: readonly Summary[]): Summary {
  const first = summaries[0];
  if (!first) throw new MergeError("nothing to merge");
  const odd = summaries.find((s) => s.impl !== first.impl || s.against !== first.against);
  if (odd)
    throw new MergeError(
      `summaries of different implementations (${first.impl} vs ${first.against}, ${odd.impl} vs ${odd.against}) cannot be merged`,
    );
  const bySignature = new Map<string, SummaryFinding>();
  const map = new DivergenceMap();
  for (const s of summaries) {
    map.merge(s.map);
    for (const f of s.findings) {
      const known = bySignature.get(f.signature);
      if (known) mergeFinding(known, f);
      else bySignature.set(f.signature, { ...f, byEngine: { ...f.byEngine }, firstHit: { ...f.firstHit } });
    }
  }
  const findings = [...bySignature.values()].sort(compareTriage);
  const sweeps = summaries.map((s) => s.sweep).filter((x) => x !== undefined);
  const shards = summaries.flatMap((s) => s.mergedShards ?? (s.shard ? [s.shard] : []));
  const merged: Summary = {
    format: SUMMARY_FORMAT,
    impl: first.impl,
    against: first.against,
    baseline: first.baseline,
    seed: first.seed,
    runs: summaries.flatMap((s) => s.runs.map((r) => ({ ...r }))),
    findings,
    map: map.panels(),
  };
  if (summaries.every((s) => s.date === first.date) && first.date) merged.date = first.date;
  if (summaries.every((s) => s.timeSeconds === first.timeSeconds) && first.timeSeconds !== undefined)
    merged.timeSeconds = first.timeSeconds;
  const elapsed = summaries.map((s) => s.elapsedSeconds).filter((x) => x !== undefined);
  if (elapsed.length > 0) merged.elapsedSeconds = Math.max(...elapsed);
  if (shards.length > 0) merged.mergedShards = shards;
  if (sweeps.length > 0)
    merged.sweep = {
      pointsDone: sweeps.reduce((a, x) => a + x.pointsDone, 0),
      pointsInShard: sweeps.reduce((a, x) => a + x.pointsInShard, 0),
      pointsTotal: Math.max(...sweeps.map((x) => x.pointsTotal)),
    };
  return merged;
}
