// The random engine: a seeded loop over the sampler, for bulk throughput.
import type { Scenario } from "../scenario/types";
import type { Engine } from "./campaign";

export interface ScenarioSource {
  next(): Scenario;
}

/** Runs scenarios from `source` until the campaign says stop; `label` names a scenario for replay. */
export function randomEngine(source: ScenarioSource, label: (index: number) => string): Engine {
  return (ctx) => {
    for (let i = 0; !ctx.shouldStop(); i++) {
      const index = i;
      ctx.execute(source.next(), () => label(index));
    }
  };
}
