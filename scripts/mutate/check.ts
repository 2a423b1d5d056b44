// One measurement of `npm run mutate`, run in a child process on the tree as it is (mutated or not): the
// signatures a bounded random campaign finds for the proposed and posted variants against the reference, and the
// regression files whose recorded result changed. Prints one JSON line.
import { readFileSync } from "node:fs";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { parseScenario } from "../../src/scenario/codec";
import { createSampler } from "../../src/scenario/sampler";
import type { Scenario } from "../../src/scenario/types";
import { corpusFiles } from "../../src/store/corpus";
import { CrashStore } from "../../src/store/crash-store";

const RUNS = Number(process.env.MUTATE_RUNS ?? 3000);

function campaign(impl: string): string[] {
  const sampler = createSampler(1);
  const a = implementation(impl);
  const b = implementation("reference");
  const found = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    for (const f of runPair(sampler.next(), a, b).findings) found.add(f.signature);
  }
  return [...found].sort();
}

function signatures(s: Scenario, impl: string, against = "reference"): string[] {
  const { findings } = runPair(s, implementation(impl), implementation(against));
  return [...new Set(findings.map((f) => f.signature))].sort();
}

function regressionChanges(): string[] {
  const changed: string[] = [];
  for (const file of corpusFiles("corpus")) {
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    for (const [impl, sigs] of Object.entries(scenario.expect ?? {})) {
      if (JSON.stringify(signatures(scenario, impl)) !== JSON.stringify(sigs)) changed.push(`${file} ${impl}`);
    }
  }
  for (const f of new CrashStore("crashes").all()) {
    if (!signatures(f.scenario, f.impl, f.against).includes(f.signature)) changed.push(`${f.signature} ${f.impl}`);
  }
  return changed;
}

console.log(
  JSON.stringify({ proposed: campaign("proposed"), posted: campaign("posted"), regression: regressionChanges() }),
);
