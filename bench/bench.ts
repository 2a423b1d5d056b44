// `npm run bench`: throughput of the engines and their parts, the sweep's wall time, --jobs scaling and minimization
// time, as medians of several runs. Prints a table and writes bench/results.json (not committed: machine-specific).
// `npm run bench -- compare-to REV`: the loop's speed against git revision REV instead (bench/compare.ts).
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import fc from "fast-check";
import { runScenario } from "../src/cpu/vcpu";
import { diffOutcomes } from "../src/diff/diff";
import { runPair } from "../src/diff/run-pair";
import { minimize } from "../src/engine/minimize";
import { MINIMIZE_CANDIDATES } from "../src/engine/session";
import { SWEEP_POINTS, SWEEP_SCENARIOS } from "../src/engine/sweep";
import { implementation } from "../src/impls";
import { scenarioArbitrary } from "../src/scenario/arbitraries";
import { PROFILES } from "../src/scenario/profiles";
import { createSampler } from "../src/scenario/sampler";
import { PROFILE_ORDER } from "../src/scenario/space";
import type { Scenario } from "../src/scenario/types";
import { CrashStore } from "../src/store/crash-store";
import { Machine } from "../src/cpu/machine";
import { nestedWalk } from "../src/cpu/walk";
import { compareTo } from "./compare";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "bin", "vmm-difffuzz.js");
const RUNS = Number(process.env.BENCH_RUNS ?? (process.env.BENCH_QUICK === "1" ? 3 : 5));
const QUICK = process.env.BENCH_QUICK === "1";
const A = implementation("posted");
const B = implementation("reference");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median of RUNS runs of `fn` over `n` items, in items per second. */
function ratePerSecond(n: number, fn: () => void): number {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    fn();
    rates.push(n / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  return median(rates);
}

function sample(n: number, maxSteps?: number): Scenario[] {
  const s = createSampler(12345, maxSteps ? { maxSteps } : {});
  return Array.from({ length: n }, () => s.next());
}

function cli(args: string[]): { seconds: number; stdout: string } {
  const t = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`vmm-difffuzz ${args.join(" ")} failed: ${r.stderr}`);
  return { seconds: (Date.now() - t) / 1000, stdout: r.stdout };
}

if (process.argv[2] === "compare-to") {
  const rev = process.argv[3];
  if (!rev) {
    console.error("usage: npm run bench -- compare-to REV");
    process.exit(2);
  }
  compareTo(rev);
  process.exit(0);
}

const results: Record<string, number | string> = {};
const N = QUICK ? 5_000 : 20_000;
const single = sample(N, 1);
const defaults = sample(N);

// The differential execution as the random engine runs it (sampler included), per core.
results.random_single_step_exec_per_core = ratePerSecond(N, () => {
  const s = createSampler(7, { maxSteps: 1 });
  for (let i = 0; i < N; i++) runPair(s.next(), A, B);
});
results.random_default_exec_per_core = ratePerSecond(N, () => {
  const s = createSampler(7);
  for (let i = 0; i < N; i++) runPair(s.next(), A, B);
});
// Its parts on the same default scenarios.
results.sampler_per_second = ratePerSecond(N, () => {
  const s = createSampler(7);
  for (let i = 0; i < N; i++) s.next();
});
results.port_alone_per_second = ratePerSecond(N, () => {
  for (const sc of defaults) runScenario(sc, A.factory);
});
results.reference_alone_per_second = ratePerSecond(N, () => {
  for (const sc of defaults) runScenario(sc, B.factory);
});
const outcomes = defaults.map((sc) => [runScenario(sc, A.factory), runScenario(sc, B.factory)] as const);
results.diff_alone_per_second = ratePerSecond(N, () => {
  defaults.forEach((sc, i) => diffOutcomes(sc, outcomes[i]![0], outcomes[i]![1]));
});
results.cpu_walk_per_second = ratePerSecond(N, () => {
  for (const sc of single) {
    const m = new Machine(sc);
    const st = sc.steps[0]!;
    nestedWalk(m.hardware[0]!, 0x10000007n, st.gpa, "read", false);
  }
});
// The same differential property through fast-check's runner.
results.fc_assert_exec_per_second = ratePerSecond(N, () => {
  fc.assert(
    fc.property(scenarioArbitrary(), (sc) => {
      runPair(sc, A, B);
    }),
    { numRuns: N, seed: 7 },
  );
});
// …and through jsfuzz (the coverage engine), from its own execution count over a fixed time.
{
  const dir = mkdtempSync(join(tmpdir(), "bench-cov-"));
  const seconds = QUICK ? 10 : 30;
  const out = cli([
    "fuzz",
    "--engine",
    "coverage",
    "--time",
    `${seconds}`,
    "--json",
    "--quiet",
    "--crashes",
    join(dir, "c"),
    "--coverage-corpus",
    join(dir, "corpus"),
  ]);
  const r = JSON.parse(out.stdout) as { execs: number; elapsedSeconds: number };
  results.jsfuzz_exec_per_second = r.execs / r.elapsedSeconds;
}
// --jobs 1 vs --jobs 2 on the same random work.
{
  const runs = QUICK ? "50000" : "400000";
  const time = (jobs: string) => {
    const dir = mkdtempSync(join(tmpdir(), "bench-jobs-"));
    return median(
      Array.from(
        { length: QUICK ? 1 : 3 },
        () => cli(["fuzz", "--runs", runs, "--jobs", jobs, "--no-minimize", "--quiet", "--crashes", dir]).seconds,
      ),
    );
  };
  const one = time("1");
  const two = time("2");
  results.jobs1_seconds = one;
  results.jobs2_seconds = two;
  results.jobs2_speedup = one / two;
}
// The whole sweep (or, quick, one shard in 16 scaled up).
{
  const dir = mkdtempSync(join(tmpdir(), "bench-sweep-"));
  if (QUICK) {
    // The first 50,000 scenarios of a plain, an SEV and an SEV-ES block of the 16, scaled to the whole sweep.
    const shards = [3, 11, 14];
    const runs = 50_000;
    const secs = shards.map(
      (i) =>
        cli([
          "fuzz",
          "--engine",
          "sweep",
          "--shard",
          `${i}/16`,
          "--jobs",
          "2",
          "--runs",
          `${runs}`,
          "--quiet",
          "--crashes",
          dir,
        ]).seconds,
    );
    results.sweep_seconds = ((secs.reduce((a, b) => a + b, 0) / shards.length) * SWEEP_SCENARIOS) / runs;
    results.sweep_note = "estimated from 50,000 scenarios of 3 of 16 shards";
  } else {
    results.sweep_seconds = cli(["fuzz", "--engine", "sweep", "--jobs", "2", "--quiet", "--crashes", dir]).seconds;
  }
  results.sweep_points = SWEEP_POINTS;
}
// Minimization of every committed finding: the slowest one.
{
  const store = new CrashStore(join(ROOT, "crashes"));
  let worst = 0;
  for (const f of store.all()) {
    const a = implementation(f.impl);
    const b = implementation(f.against);
    const t = Date.now();
    minimize(f.scenario, (s) => runPair(s, a, b).findings.some((g) => g.signature === f.signature), {
      maxCandidates: MINIMIZE_CANDIDATES,
      timeLimitMs: 60_000,
      profiles: PROFILE_ORDER.map((n) => PROFILES[n].cpu),
    });
    worst = Math.max(worst, (Date.now() - t) / 1000);
  }
  results.minimize_max_seconds = worst;
  results.minimize_findings = store.all().length;
}
results.ratio_single_step_vs_target = Number(results.random_single_step_exec_per_core) / 500_000;
results.ratio_default_vs_target = Number(results.random_default_exec_per_core) / 150_000;
results.ratio_fc_assert_vs_loop =
  Number(results.fc_assert_exec_per_second) / Number(results.random_default_exec_per_core);
results.ratio_jsfuzz_vs_loop = Number(results.jsfuzz_exec_per_second) / Number(results.random_default_exec_per_core);

const width = Math.max(...Object.keys(results).map((k) => k.length));
for (const [k, v] of Object.entries(results)) {
  console.log(
    `${k.padEnd(width)}  ${typeof v === "number" ? (Number.isInteger(v) ? v : v.toFixed(v < 10 ? 3 : 0)) : v}`,
  );
}
writeFileSync(
  join(ROOT, "bench", "results.json"),
  `${JSON.stringify({ runs: RUNS, quick: QUICK, ...results }, null, 2)}\n`,
);
