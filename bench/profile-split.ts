// Where a CPU profile (`node --cpu-prof`, compiled code) spends its time: self time per part of the loop — A (the
// port), B (the reference model), the sampler and scenario space, the diff, the simulated machine, the garbage
// collector — as shares of the whole. `node dist/bench/profile-split.js FILE.cpuprofile… [TOP]` prints it.
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

/**
 * The split of one run's profiles together (`--cpu-prof` writes one file per thread: the main thread, each worker).
 * Idle samples are no CPU work and are left out: the shares are of the time the threads ran.
 */
export function splitProfiles(paths: readonly string[], top = 15): Split {
  let total = 0;
  const byFunction = new Map<string, { part: Part; time: number }>();
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const frame = nodes.get(id)!.callFrame;
      if (frame.functionName === "(idle)") return;
      const dt = profile.timeDeltas[i] ?? 0;
      total += dt;
      const url = frame.url.replace(/^file:\/\//, "");
      const file = url.includes("/dist/") ? url.slice(url.lastIndexOf("/dist/") + 6) : url || frame.functionName;
      const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
      const entry = byFunction.get(name) ?? { part: partOf(file), time: 0 };
      entry.time += dt;
      byFunction.set(name, entry);
    });
  }
  const share = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
  for (const { part, time } of byFunction.values()) share[part] += time / total;
  const ranked = [...byFunction].sort((a, b) => b[1].time - a[1].time).slice(0, top);
  return {
    seconds: total / 1e6,
    share,
    top: ranked.map(([name, e]) => `${((100 * e.time) / total).toFixed(1)}% ${name}`),
  };
}

/** The split of one profile file. */
export function splitProfile(path: string, top = 15): Split {
  return splitProfiles([path], top);
}

export function splitWords(s: Split): string {
  return PARTS.map((p) => `${p} ${(100 * s.share[p]).toFixed(1)}%`).join(", ");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const top = args.length > 1 && /^[0-9]+$/.test(args.at(-1)!) ? Number(args.pop()) : 15;
  if (args.length === 0) {
    console.error("usage: profile-split FILE.cpuprofile… [TOP]");
    process.exit(2);
  }
  const s = splitProfiles(args, top);
  console.log(`${s.seconds.toFixed(2)} s sampled: ${splitWords(s)}`);
  for (const line of s.top) console.log(`  ${line}`);
}
