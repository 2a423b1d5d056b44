// The property engine: fast-check over the scenario arbitraries. The property "this scenario shows no signature
// seen before" fails on each new signature; fast-check shrinks it and reports the seed and path that replay it.
import fc from "fast-check";
import { scenarioArbitrary } from "../scenario/arbitraries";
import type { GeneratorOptions } from "../scenario/space";
import type { Engine } from "./campaign";

export interface PropertyRound {
  seed: number;
  /** fast-check's replay path of the shrunk counterexample (null when the round found nothing new). */
  path: string | null;
  signatures: string[];
}

/** Small rounds: fast-check cannot be stopped inside one, so a stop waits at most one round's scenarios. */
const RUNS_PER_ROUND = 2_000;

/**
 * The fast-check path of each value the property sees, in the order fast-check's runner counts them: the index of
 * the value since the round began or since the last failure, each failure's index appended (it then shrinks that
 * value, and counts its shrinks from 0).
 */
function fastCheckPath(): { next(): string; result(failed: boolean): void } {
  const failures: number[] = [];
  let index = -1;
  return {
    next: () => [...failures, ++index].join(":"),
    result: (failed) => {
      if (!failed) return;
      failures.push(index);
      index = -1;
    },
  };
}

/** Rounds use seeds `seed`, `seed + 1`, …, so a campaign replays from its seed alone. */
export function propertyEngine(
  seed: number,
  generator: Partial<GeneratorOptions>,
  onRound?: (r: PropertyRound) => void,
): Engine {
  const arbitrary = scenarioArbitrary(generator);
  return (ctx) => {
    const seen = new Set<string>();
    for (let round = 0; !ctx.shouldStop(); round++) {
      const roundSeed = (seed + round) | 0;
      const failing = new Set<string>();
      const path = fastCheckPath();
      const property = fc.property(arbitrary, (scenario) => {
        const here = path.next();
        if (ctx.shouldStop()) return true;
        const findings = ctx.execute(scenario, `property seed ${roundSeed}`, { seed: roundSeed, path: here });
        const fresh = findings.map((f) => f.signature).filter((s) => !seen.has(s));
        for (const s of fresh) failing.add(s);
        path.result(fresh.length > 0);
        return fresh.length === 0;
      });
      const remaining = ctx.remainingMs();
      const result = fc.check(property, {
        seed: roundSeed,
        numRuns: RUNS_PER_ROUND,
        endOnFailure: false,
        ...(Number.isFinite(remaining) ? { interruptAfterTimeLimit: Math.max(1, remaining) } : {}),
      });
      if (!result.failed) {
        onRound?.({ seed: roundSeed, path: null, signatures: [] });
        continue;
      }
      const signatures = [...failing].filter((s) => !seen.has(s)).sort();
      for (const s of signatures) seen.add(s);
      onRound?.({ seed: roundSeed, path: result.counterexamplePath, signatures });
    }
  };
}
