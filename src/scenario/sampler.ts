// The seeded sampler: draws scenarios from the scenario space (space/) with seedrandom's alea PRNG, for bulk
// campaigns. Scenarios are built straight from the random numbers (each concern's draw functions); any other
// description is read by a generic interpreter that draws the same numbers for the same choices. Same weights as
// the fast-check arbitraries; no shrinking, little overhead.
import seedrandom from "seedrandom";
import { cumulative, type Gen, type Node } from "./gen";
import type { Random } from "./space/draw";
import { resolveGeneratorOptions, scenarioDrawer, type GeneratorOptions } from "./space";
import type { Scenario } from "./types";

export { DEFAULT_GENERATOR_OPTIONS, resolveGeneratorOptions, type GeneratorOptions } from "./space";
export type { Random } from "./space/draw";

type Draw = (random: Random) => unknown;

/** Largest total weight of a oneof (with at most 256 options) drawn through a lookup table. */
const ONEOF_TABLE_MAX = 4096;

function compile(node: Node, cache: Map<Node, Draw>): Draw {
  const known = cache.get(node);
  if (known) return known;
  const draw = compileNode(node, cache);
  cache.set(node, draw);
  return draw;
}

function compileNode(node: Node, cache: Map<Node, Draw>): Draw {
  switch (node.kind) {
    case "int": {
      const { min } = node;
      const span = node.max - node.min + 1;
      return span === 1 ? () => min : (random) => min + Math.floor(random() * span);
    }
    case "constant": {
      const value = node.value;
      return () => value;
    }
    case "oneof": {
      const draws = node.options.map((o) => compile(o, cache));
      const cum = cumulative(node.weights);
      const total = cum[cum.length - 1]!;
      if (total <= ONEOF_TABLE_MAX && draws.length <= 256) {
        // One table entry per weight unit: the option index without a search.
        const table = new Uint8Array(total);
        for (let i = 0, r = 0; r < total; r++) {
          while (r >= cum[i]!) i++;
          table[r] = i;
        }
        return (random) => draws[table[Math.floor(random() * total)]!]!(random);
      }
      return (random) => {
        const r = Math.floor(random() * total);
        let i = 0;
        while (r >= cum[i]!) i++;
        return draws[i]!(random);
      };
    }
    case "tuple": {
      const draws = node.items.map((o) => compile(o, cache));
      const n = draws.length;
      return (random) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = draws[i]!(random);
        return out;
      };
    }
    case "record": {
      const draws = node.items.map((o) => compile(o, cache));
      const keys = node.keys;
      const n = keys.length;
      return (random) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) out[keys[i]!] = draws[i]!(random);
        return out;
      };
    }
    case "array": {
      const draw = compile(node.item, cache);
      const { min } = node;
      const span = node.max - node.min + 1;
      return (random) => {
        const length = min + Math.floor(random() * span);
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) out[i] = draw(random);
        return out;
      };
    }
    case "map": {
      const draw = compile(node.from, cache);
      const f = node.f;
      return (random) => f(draw(random));
    }
  }
}

/** A function drawing values of a description from a Random. */
export function compileSampler<T>(gen: Gen<T>): (random: Random) => T {
  return compile(gen, new Map()) as (random: Random) => T;
}

/** seedrandom's alea PRNG for a seed (numbers and strings with the same text give the same stream). */
export function aleaRandom(seed: number | string): Random {
  return seedrandom.alea(String(seed));
}

export interface Sampler<T> {
  next(): T;
}

/** Values of any description, deterministic for a seed. */
export function createGenSampler<T>(gen: Gen<T>, seed: number | string): Sampler<T> {
  const draw = compileSampler(gen);
  const random = aleaRandom(seed);
  return { next: () => draw(random) };
}

/** Scenarios, deterministic for a seed and options: those of scenarioGen for the same stream. */
export function createSampler(seed: number | string, options?: Partial<GeneratorOptions>): Sampler<Scenario> {
  const draw = scenarioDrawer(resolveGeneratorOptions(options));
  const random = aleaRandom(seed);
  return { next: () => draw(random) };
}
