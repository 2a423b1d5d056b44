// `npm run bench -- compare-to REV`: builds git revision REV beside the working tree (a git worktree in a temporary
// directory, reusing this tree's node_modules), then times the same commands on both, alternating REV and the
// working tree pair by pair (which goes first alternates too), and prints the median ratio of each measure — the
// load other processes put on the machine changes during a run, a ratio of neighbouring runs much less.
// BENCH_PAIRS (default 5; BENCH_QUICK=1: 3, with shorter commands) sets the number of pairs.
import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { splitProfiles, splitWords, type Split } from "./profile-split";

const ROOT = join(__dirname, "..", "..");
const QUICK = process.env.BENCH_QUICK === "1";
const PAIRS = Number(process.env.BENCH_PAIRS ?? (QUICK ? 3 : 5));
const DRIVER = join(__dirname, "loop-driver.js");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function git(args: string[], cwd = ROOT): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** REV checked out and compiled in a temporary git worktree; `remove` deletes it again. */
function buildRevision(rev: string): { root: string; commit: string; remove(): void } {
  const commit = git(["rev-parse", "--verify", `${rev}^{commit}`]);
  const root = join(mkdtempSync(join(tmpdir(), "vmm-difffuzz-bench-")), "tree");
  git(["worktree", "add", "--detach", root, commit]);
  const remove = () => {
    git(["worktree", "remove", "--force", root]);
  };
  try {
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
      cwd: root,
      stdio: "inherit",
    });
  } catch (e) {
    remove();
    throw e;
  }
  return { root, commit, remove };
}

const CPU_TIME = join(__dirname, "cpu-time.js");

/** CPU and wall seconds of one Node command in `root`. */
function timed(root: string, args: string[]): { cpu: number; wall: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CPU_TIME, ...args], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} in ${root} failed: ${r.stderr}`);
  const cpu = /\{"cpuSeconds":([0-9.e-]+)\}\s*$/.exec(r.stderr);
  if (!cpu) throw new Error(`${args.join(" ")} in ${root} printed no CPU time`);
  return { cpu: Number(cpu[1]), wall };
}

/** Wall seconds of one Node command in `root` (for --jobs scaling, where wall time is the point). */
function wallOf(root: string, args: string[]): number {
  return timed(root, args).wall;
}

/** The seconds a driver measured itself and printed as `{"seconds":N}`. */
function ownSeconds(root: string, args: string[]): number {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  const m = /\{"seconds":([0-9.e-]+)\}/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return Number(m[1]);
}

interface Measure {
  name: string;
  /** The command's arguments for a tree at `root`, with a scratch folder for its crash store. */
  args(root: string, scratch: string): string[];
}

/** The compiled CLI of the tree at `root` (as cpu-time.js runs it). */
function cli(root: string): string[] {
  return ["--cli", root];
}

const RANDOM_RUNS = QUICK ? 50_000 : 200_000;
const MEASURES: Measure[] = [
  {
    name: `fuzz --jobs 1 --runs ${RANDOM_RUNS} --seed 1 --no-minimize (default distribution)`,
    args: (root, scratch) => [
      ...cli(root),
      "fuzz",
      "--jobs",
      "1",
      "--runs",
      String(RANDOM_RUNS),
      "--seed",
      "1",
      "--no-minimize",
      "--quiet",
      "--crashes",
      scratch,
    ],
  },
  {
    name: `the same loop on single-step scenarios (${RANDOM_RUNS}, sampler included)`,
    args: (root) => [DRIVER, root, "single-step", String(RANDOM_RUNS)],
  },
  {
    name: `fuzz --engine sweep --shard 1/16 --jobs 1${QUICK ? " --runs 200000" : ""}`,
    args: (root, scratch) => [
      ...cli(root),
      "fuzz",
      "--engine",
      "sweep",
      "--shard",
      "1/16",
      "--jobs",
      "1",
      ...(QUICK ? ["--runs", "200000"] : []),
      "--quiet",
      "--crashes",
      scratch,
    ],
  },
];

function profileOf(root: string, scratch: string): Split {
  const dir = join(scratch, "profile");
  const runs = QUICK ? "30000" : "60000";
  const fuzz = ["fuzz", "--jobs", "1", "--runs", runs, "--seed", "1", "--no-minimize", "--quiet"];
  const args = ["--cpu-prof", "--cpu-prof-dir", dir, CPU_TIME, ...cli(root), ...fuzz, "--crashes", join(scratch, "c")];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`profiling in ${root} failed: ${r.stderr}`);
  // One file per thread (the main thread, the campaign's worker): the split is of all of them together.
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  return splitProfiles(
    files.map((f) => join(dir, f)),
    8,
  );
}

/**
 * The most any loop around the working tree's A and B could gain over REV's loop: REV's sampled seconds against
 * the seconds the working tree spends in A and B alone (the same command, so the same scenarios), and what the
 * rest of the loop must shrink to for a 5× loop.
 */
export function ceilingWords(rev: string, before: Split, after: Split): string {
  const codeUnderTest = after.seconds * (after.share.A + after.share.B);
  const rest = after.seconds - codeUnderTest;
  const restFor5 = before.seconds / 5 - codeUnderTest;
  return (
    `  ceiling: A+B alone take ${codeUnderTest.toFixed(2)} s of the working tree's ${after.seconds.toFixed(2)} s` +
    ` (${rev}: ${before.seconds.toFixed(2)} s in all), so no loop around today's A and B runs more than` +
    ` ${(before.seconds / codeUnderTest).toFixed(2)}× faster than ${rev}'s; a 5× loop leaves the rest` +
    ` ${restFor5 > 0 ? `${restFor5.toFixed(2)} s` : "no time"} (today ${rest.toFixed(2)} s)`
  );
}

export function compareTo(rev: string): void {
  if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js"))) throw new Error("build the working tree first");
  const base = buildRevision(rev);
  const scratch = mkdtempSync(join(tmpdir(), "vmm-difffuzz-bench-scratch-"));
  try {
    console.log(`working tree vs ${rev} (${base.commit.slice(0, 7)}), ${PAIRS} alternating pairs each\n`);
    for (const m of MEASURES) {
      const cpu: number[] = [];
      const wall: number[] = [];
      const times: { base: number[]; head: number[] } = { base: [], head: [] };
      for (let i = 0; i < PAIRS; i++) {
        const run = (which: "base" | "head") => {
          const root = which === "base" ? base.root : ROOT;
          const t = timed(root, m.args(root, join(scratch, `${which}-${i}`)));
          times[which].push(t.cpu);
          return t;
        };
        // Alternate which goes first, so that a drift in load favours neither.
        let b: { cpu: number; wall: number }, h: { cpu: number; wall: number };
        if (i % 2 === 0) {
          b = run("base");
          h = run("head");
        } else {
          h = run("head");
          b = run("base");
        }
        cpu.push(b.cpu / h.cpu);
        wall.push(b.wall / h.wall);
      }
      console.log(m.name);
      console.log(
        `  ${median(cpu).toFixed(2)}× in CPU time, ${median(wall).toFixed(2)}× in wall time (medians of ${PAIRS} pairs;` +
          ` CPU s ${rev} ${median(times.base).toFixed(2)}, working tree ${median(times.head).toFixed(2)})`,
      );
    }
    // --jobs scaling and minimization on the working tree alone.
    const jobsRuns = QUICK ? "100000" : "400000";
    const jobs = (n: string) => (i: number) =>
      wallOf(ROOT, [
        ...cli(ROOT),
        "fuzz",
        "--jobs",
        n,
        "--runs",
        jobsRuns,
        "--no-minimize",
        "--quiet",
        "--crashes",
        join(scratch, `jobs${n}-${i}`),
      ]);
    const scaling = median(Array.from({ length: QUICK ? 1 : 3 }, (_, i) => jobs("1")(i) / jobs("2")(i)));
    console.log(`--jobs 2 vs --jobs 1 (${jobsRuns} random scenarios), working tree\n  ${scaling.toFixed(2)}×`);
    const minimizeWorst = ownSeconds(ROOT, [DRIVER, ROOT, "minimize"]);
    console.log(`slowest minimization of a committed finding, working tree\n  ${minimizeWorst.toFixed(3)} s`);
    const before = profileOf(base.root, join(scratch, "profile-base"));
    const after = profileOf(ROOT, join(scratch, "profile-head"));
    console.log(`\nCPU profile of fuzz --jobs 1 --runs ${QUICK ? 30000 : 60000}, self time by part:`);
    console.log(
      `  ${rev}:         ${splitWords(before)} (A+B ${(100 * (before.share.A + before.share.B)).toFixed(1)}%)`,
    );
    console.log(`  working tree: ${splitWords(after)} (A+B ${(100 * (after.share.A + after.share.B)).toFixed(1)}%)`);
    console.log(ceilingWords(rev, before, after));
    console.log("  working tree, top functions:");
    for (const line of after.top) console.log(`    ${line}`);
  } finally {
    base.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const rev = process.argv[2];
  if (!rev) {
    console.error("usage: compare REV");
    process.exit(2);
  }
  compareTo(rev);
}
