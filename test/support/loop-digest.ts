// A fingerprint of what the differential loop produces for fixed seeds: every scenario the sampler draws, both
// outcomes and the findings, for the random engine (default and single-step distributions), the sweep (points spread
// over the whole space) and the property engine's arbitraries; and the minimized scenario of each new signature of a
// short random campaign. The loop's speed-ups must leave it unchanged (test/engine/loop-fixture.test.ts).
import { createHash } from "crypto";
import fc from "fast-check";
import type { Outcome } from "../../src/cpu/events";
import { runPair } from "../../src/diff/run-pair";
import { Campaign } from "../../src/engine/campaign";
import { randomEngine } from "../../src/engine/random";
import { MINIMIZE_CANDIDATES } from "../../src/engine/session";
import { PROBES_OF, SWEEP_POINTS, sweepCpu, sweepPoint, sweepScenario } from "./sweep-probes";
import { implementation } from "../../src/impls";
import { scenarioArbitrary } from "../../src/scenario/arbitraries";
import { scenarioToText } from "../../src/scenario/codec";
import { PROFILES } from "../../src/scenario/profiles";
import { createSampler } from "../../src/scenario/sampler";
import { PROFILE_ORDER } from "../../src/scenario/space";
import type { Scenario } from "../../src/scenario/types";

export interface StreamDigest {
  scenarios: number;
  /** sha256 over every scenario's text, both outcomes and the findings, in order. */
  digest: string;
  /** Hits per signature. */
  hits: Record<string, number>;
}

export interface LoopFixture {
  random: StreamDigest;
  singleStep: StreamDigest;
  sweep: StreamDigest;
  property: StreamDigest;
  /** Per new signature of a minimizing random campaign: the finding and the minimized scenario's text. */
  minimized: { execs: number; finding: unknown; scenario: string }[];
}

function outcomeText(o: Outcome | null): string {
  return JSON.stringify(o, (_k, v: unknown) =>
    typeof v === "bigint" ? `0x${v.toString(16)}` : v instanceof Map ? [...v.entries()] : v,
  );
}

function digestOf(scenarios: Iterable<Scenario>): StreamDigest {
  const a = implementation("posted");
  const b = implementation("reference");
  const hash = createHash("sha256");
  const hits: Record<string, number> = {};
  let n = 0;
  for (const s of scenarios) {
    const r = runPair(s, a, b);
    hash.update(scenarioToText(s));
    hash.update(outcomeText(r.a));
    hash.update(outcomeText(r.b));
    hash.update(JSON.stringify(r.findings));
    for (const f of r.findings) hits[f.signature] = (hits[f.signature] ?? 0) + 1;
    n++;
  }
  const sorted = Object.fromEntries(Object.entries(hits).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return { scenarios: n, digest: hash.digest("hex"), hits: sorted };
}

function* sampled(seed: number, n: number, maxSteps?: number): Iterable<Scenario> {
  const s = createSampler(seed, maxSteps ? { maxSteps } : {});
  for (let i = 0; i < n; i++) yield s.next();
}

function* swept(points: number): Iterable<Scenario> {
  const stride = Math.floor(SWEEP_POINTS / points);
  for (let k = 0; k < points; k++) {
    const p = sweepPoint(k * stride + (k % 7));
    const cpu = sweepCpu(p);
    for (const probe of PROBES_OF(p.kind)) yield sweepScenario(p, probe.steps, cpu);
  }
}

export const LOOP_FIXTURE_SIZES = {
  random: 20_000,
  singleStep: 10_000,
  sweepPoints: 3_000,
  property: 2_000,
  campaign: 4_000,
};

export function loopFixture(): LoopFixture {
  const z = LOOP_FIXTURE_SIZES;
  const property = fc.sample(scenarioArbitrary(), { seed: 5, numRuns: z.property });
  const minimized: LoopFixture["minimized"] = [];
  const campaign = new Campaign(
    {
      implA: implementation("posted"),
      implB: implementation("reference"),
      runs: z.campaign,
      timeMs: Infinity,
      minimizeCandidates: MINIMIZE_CANDIDATES,
      minimizeTimeMs: Infinity,
      profiles: PROFILE_ORDER.map((n) => PROFILES[n].cpu),
      known: () => false,
    },
    {
      onNew: (n) => minimized.push({ execs: n.execs, finding: n.finding, scenario: scenarioToText(n.scenario) }),
    },
  );
  campaign.run(randomEngine(createSampler(3), String));
  return {
    random: digestOf(sampled(1, z.random)),
    singleStep: digestOf(sampled(2, z.singleStep, 1)),
    sweep: digestOf(swept(z.sweepPoints)),
    property: digestOf(property),
    minimized,
  };
}
