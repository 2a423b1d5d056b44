// Drawing straight from a PRNG, as the sampler reads the space: each helper takes the random numbers the generic
// interpreter of a description (gen.ts, sampler.ts compileSampler) takes for the same choice, in the same order,
// so a draw function and its description give the same value for the same stream (test/scenario/draw.test.ts).

/** A source of uniform doubles in [0, 1) with at least 32 bits of randomness. */
export type Random = () => number;

/** int(min, max): one number, none when min === max. */
export function drawInt(random: Random, min: number, max: number): number {
  return min === max ? min : min + Math.floor(random() * (max - min + 1));
}

/** among(values): one of them, uniformly. */
export function drawAmong<T>(random: Random, values: readonly T[]): T {
  return values[drawInt(random, 0, values.length - 1)]!;
}

/** The length of array(item, min, max): always one number, even when min === max. */
export function drawLength(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Cumulative weights for drawOption (weights of 0 are options oneof drops: give them no entry). */
export type Weights = readonly number[];

export function weights(...w: number[]): Weights {
  let sum = 0;
  return Object.freeze(w.map((x) => (sum += x)));
}

/** The index of a oneof option, weighted; none drawn when there is a single option. */
export function drawOption(random: Random, cum: Weights): number {
  const n = cum.length;
  if (n === 1) return 0;
  const r = Math.floor(random() * cum[n - 1]!);
  let i = 0;
  while (r >= cum[i]!) i++;
  return i;
}
