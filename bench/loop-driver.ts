// Runs one measured loop of a built tree, given its root: `node dist/bench/loop-driver.js ROOT single-step N` runs
// N scenarios of the single-step distribution through A and B (the bench's loop, sampler included); `… ROOT default
// N WARM` runs WARM scenarios of the default distribution, then N more (for instruction counts: README, Performance);
// `… ROOT minimize` minimizes every committed finding and prints the slowest in seconds. Only the APIs every tree
// since 652b559 has are used, so the same driver measures the working tree and an older revision alike.
import { join } from "path";

const [root, mode, count] = process.argv.slice(2);
if (!root || !mode) {
  console.error("usage: loop-driver ROOT single-step N | default N WARM | minimize");
  process.exit(2);
}
const dist = join(root, "dist");
/** Another tree's compiled module: its types are not this tree's. */
type Module = Record<string, any>;
const load = (path: string) => require(join(dist, path)) as Module;

const { createSampler } = load("src/scenario/sampler.js");
const { runPair } = load("src/diff/run-pair.js");
const { implementation } = load("src/impls.js");
const A = implementation("posted");
const B = implementation("reference");

if (mode === "single-step") {
  const n = Number(count ?? 200_000);
  const s = createSampler(7, { maxSteps: 1 });
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) runPair(s.next(), A, B);
  console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t) / 1e9 }));
} else if (mode === "default") {
  const [n, warm] = [Number(count ?? 2000), Number(process.argv[5] ?? 1000)];
  const s = createSampler(1, {});
  for (let i = 0; i < warm + n; i++) runPair(s.next(), A, B);
} else if (mode === "minimize") {
  const { minimize } = load("src/engine/minimize.js");
  const { MINIMIZE_CANDIDATES } = load("src/engine/session.js");
  const { PROFILES } = load("src/scenario/profiles.js");
  const { PROFILE_ORDER } = load("src/scenario/space.js");
  const { CrashStore } = load("src/store/crash-store.js");
  let worst = 0;
  for (const f of new CrashStore(join(root, "crashes")).all()) {
    const a = implementation(f.impl);
    const b = implementation(f.against);
    const t = process.hrtime.bigint();
    minimize(
      f.scenario,
      (s: unknown) => runPair(s, a, b).findings.some((g: { signature: string }) => g.signature === f.signature),
      {
        maxCandidates: MINIMIZE_CANDIDATES,
        timeLimitMs: 60_000,
        profiles: PROFILE_ORDER.map((n: string) => PROFILES[n].cpu),
      },
    );
    worst = Math.max(worst, Number(process.hrtime.bigint() - t) / 1e9);
  }
  console.log(JSON.stringify({ seconds: worst }));
} else {
  console.error(`loop-driver: unknown mode ${mode}`);
  process.exit(2);
}
