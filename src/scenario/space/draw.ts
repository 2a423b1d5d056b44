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

/** A oneof's weights, ready for drawOption: one table entry per weight unit gives the option without a search. */
export interface Weights {
  readonly options: number;
  readonly total: number;
  readonly table: Uint8Array;
}

/** Weights of oneof options (an option of weight 0, which oneof drops, must not be given). */
export function weights(...w: number[]): Weights {
  const total = w.reduce((a, b) => a + b, 0);
  if (w.length > 256 || total > 1 << 16 || w.some((x) => !(Number.isInteger(x) && x > 0))) {
    throw new RangeError(`weights: 1..256 positive integers with a small total, got ${w.join(", ")}`);
  }
  const table = new Uint8Array(total);
  for (let i = 0, r = 0; i < w.length; i++) table.fill(i, r, (r += w[i]!));
  return Object.freeze({ options: w.length, total, table });
}

/** The index of a oneof option, weighted: r = floor(random() * total) picks the first option whose cumulative weight exceeds r; no number is drawn for a single option. */
export function drawOption(random: Random, w: Weights): number {
  return w.options === 1 ? 0 : w.table[Math.floor(random() * w.total)]!;
}
