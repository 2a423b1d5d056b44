// A small description language for generators: one description, three interpreters (the seeded sampler, the
// fast-check arbitraries, the raw-byte decoder), so all three make the same choices with the same weights.
//
// Semantics every interpreter keeps:
// - int(min, max): uniform over [min, max] (span at most 2^32); shrinks toward min.
// - oneof([w, g], ...): option i with probability w_i / sum(w); shrinks toward option 0.
// - array(g, min, max): length uniform over [min, max], items independent; shrinks toward fewer items.
// - tuple / record: parts drawn in order, independently.
// - map(g, f): f applied to the drawn value; f is pure and deterministic.
// So option 0 and the minimum of every choice must be the simplest value: that is where shrinking goes, and what
// the byte decoder returns when it runs out of bytes.

export type Node =
  | { readonly kind: "int"; readonly min: number; readonly max: number }
  | { readonly kind: "constant"; readonly value: unknown }
  | { readonly kind: "oneof"; readonly weights: readonly number[]; readonly options: readonly Node[] }
  | { readonly kind: "tuple"; readonly items: readonly Node[] }
  | { readonly kind: "record"; readonly keys: readonly string[]; readonly items: readonly Node[] }
  | { readonly kind: "array"; readonly item: Node; readonly min: number; readonly max: number }
  | { readonly kind: "map"; readonly from: Node; readonly f: (value: unknown) => unknown };

/** A description of values of type T (the type parameter is only for the compiler). */
export type Gen<T> = Node & { readonly __value?: T };

const MAX_SPAN = 2 ** 32;

export function int(min: number, max: number): Gen<number> {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max || max - min + 1 > MAX_SPAN) {
    throw new RangeError(`int(${min}, ${max}): need integers with min <= max and a span of at most 2^32`);
  }
  return { kind: "int", min, max };
}

export function constant<T>(value: T): Gen<T> {
  return { kind: "constant", value };
}

/** Weighted choice; options of weight 0 are dropped, and a single remaining option is returned as it is. */
export function oneof<T>(...options: readonly (readonly [weight: number, gen: Gen<T>])[]): Gen<T> {
  const kept = options.filter(([w]) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`oneof: weights must be integers >= 0, got ${w}`);
    return w > 0;
  });
  if (kept.length === 0) throw new RangeError("oneof: needs an option of weight > 0");
  if (kept.length === 1) return kept[0]![1];
  return { kind: "oneof", weights: kept.map(([w]) => w), options: kept.map(([, g]) => g) };
}

/** Weighted choice among constants: `pick([3, "a"], [1, "b"])`. */
export function pick<T>(...options: readonly (readonly [weight: number, value: T])[]): Gen<T> {
  return oneof(...options.map(([w, v]) => [w, constant(v)] as const));
}

/** Uniform choice among values; shrinks toward the first. */
export function among<T>(values: readonly T[]): Gen<T> {
  return map(int(0, values.length - 1), (i) => values[i]!);
}

export function tuple<T extends unknown[]>(...items: { [K in keyof T]: Gen<T[K]> }): Gen<T> {
  return { kind: "tuple", items: items as readonly Node[] };
}

export function record<T extends object>(shape: { [K in keyof T]: Gen<T[K]> }): Gen<T> {
  const keys = Object.keys(shape);
  return { kind: "record", keys, items: keys.map((k) => (shape as Record<string, Node>)[k]!) };
}

export function array<T>(item: Gen<T>, min: number, max: number): Gen<T[]> {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || min > max) {
    throw new RangeError(`array(${min}, ${max}): need integers with 0 <= min <= max`);
  }
  return { kind: "array", item, min, max };
}

export function map<A, B>(from: Gen<A>, f: (value: A) => B): Gen<B> {
  return { kind: "map", from, f: f as (value: unknown) => unknown };
}

/** Cumulative weights of a oneof node (the last entry is the total). */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}
