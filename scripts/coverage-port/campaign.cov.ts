// The fixed campaign `npm run coverage:port` measures: COVERAGE_RUNS random scenarios (default 100,000) of seed 1,
// each run on every port variant and on the reference model.
import { expect, it } from "vitest";
import { runScenario } from "../../src/cpu/vcpu";
import { getVariant, variantNames } from "../../src/port/variants";
import { createSampler } from "../../src/scenario/sampler";
import { referenceFactory, smpReferenceFactory } from "../../reference";

const RUNS = Number(process.env.COVERAGE_RUNS ?? 100_000);

it(`runs ${RUNS} random scenarios (seed 1) on every variant and the reference`, () => {
  const sampler = createSampler(1);
  const factories = [...variantNames().map((n) => getVariant(n).factory), referenceFactory];
  let runs = 0;
  for (let i = 0; i < RUNS; i++) {
    const scenario = sampler.next();
    for (const factory of factories) {
      try {
        runScenario(scenario, factory);
      } catch {
        // an implementation error is the diff's finding; coverage only counts what ran
      }
      runs++;
    }
  }
  expect(runs).toBe(RUNS * factories.length);
});

it(`runs ${RUNS / 10} random scenarios (seed 1) of guests with several vcpus on the smp what-if pair`, () => {
  const sampler = createSampler(1, { severalVcpus: true });
  const factories = [getVariant("smp").factory, smpReferenceFactory];
  for (let i = 0; i < RUNS / 10; i++) {
    const scenario = sampler.next();
    for (const factory of factories) {
      try {
        runScenario(scenario, factory);
      } catch {
        // as above
      }
    }
  }
});
