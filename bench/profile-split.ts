// Where a CPU profile (`node --cpu-prof`, compiled code) spends its time: self time per part of the loop — A (the
// port), B (the reference model), the sampler and scenario space, the diff, the simulated machine, the garbage
// collector — as shares of the whole. `node dist/bench/profile-split.js FILE.cpuprofile [TOP]` prints it.
import { readFileSync } from "fs";

export const PARTS = ["A", "B", "sampler", "diff", "machine", "engine", "GC", "other"] as const;
export type Part = (typeof PARTS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the loop a compiled file (path below dist/) belongs to. */
export function partOf(file: string): Part {
  if (file.startsWith("src/port/")) return "A";
  if (file.startsWith("reference/")) return "B";
  if (file.startsWith("src/scenario/") || file.includes("node_modules/seedrandom/")) return "sampler";
  if (file.startsWith("src/diff/")) return "diff";
  if (file.startsWith("src/cpu/")) return "machine";
  if (file.startsWith("src/engine/")) return "engine";
  if (file === "(garbage collector)") return "GC";
  return "other";
}

export interface Split {
  seconds: number;
  /** Share (0..1) of the sampled time per part. */
  share: Record<Part, number>;
  /** The functions with the most self time: "share name file:line". */
  top: string[];
}

export function splitProfile(path: string, top = 15): Split {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const share = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
  const byFunction = new Map<string, number>();
  for (const [id, t] of self) {
    const frame = nodes.get(id)!.callFrame;
    const url = frame.url.replace(/^file:\/\//, "");
    const file = url.includes("/dist/") ? url.slice(url.lastIndexOf("/dist/") + 6) : url || frame.functionName;
    share[partOf(file)] += t / total;
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t / total);
  }
  const ranked = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { seconds: total / 1e6, share, top: ranked.map(([name, s]) => `${(100 * s).toFixed(1)}% ${name}`) };
}

export function splitWords(s: Split): string {
  return PARTS.map((p) => `${p} ${(100 * s.share[p]).toFixed(1)}%`).join(", ");
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: profile-split FILE.cpuprofile [TOP]");
    process.exit(2);
  }
  const s = splitProfile(file, Number(top ?? 15));
  console.log(`${s.seconds.toFixed(2)} s sampled: ${splitWords(s)}`);
  for (const line of s.top) console.log(`  ${line}`);
}
