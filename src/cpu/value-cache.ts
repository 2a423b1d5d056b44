// A cache keyed by value, for what the machine derives from a host or a CPU. An entry is found by a number computed
// from the key's value and confirmed by comparing values: no key string is built per lookup. Campaigns draw many
// keys that never come back, so a key is kept only once its hash comes back: a key seen once costs one hash, and
// neither a copy nor a place in the cache.

export interface KeyOps<K> {
  /** Whether two keys have the same value. */
  same(x: K, y: K): boolean;
  /** A copy of the key that shares nothing changeable with it: a key changed after it was kept changes no entry. */
  copy(x: K): K;
}

export class ValueCache<K, V> {
  private readonly entries = new Map<number, { key: K; value: V }[]>();
  private readonly seen = new Set<number>();

  /** Beyond `maxKeys` kept hashes (or `maxSeen` seen ones) the cache starts over. */
  constructor(
    private readonly ops: KeyOps<K>,
    private readonly maxKeys: number,
    private readonly maxSeen: number,
  ) {}

  /** The value of `key` (whose hash is `hash`): kept, or computed by `compute(key)`. */
  get(hash: number, key: K, compute: (key: K) => V): V {
    const bucket = this.entries.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) if (this.ops.same(entry.key, key)) return entry.value;
    }
    const value = compute(key);
    if (!this.seen.has(hash)) {
      if (this.seen.size >= this.maxSeen) this.seen.clear();
      this.seen.add(hash);
      return value;
    }
    const entry = { key: this.ops.copy(key), value };
    if (bucket !== undefined) bucket.push(entry);
    else {
      if (this.entries.size >= this.maxKeys) this.entries.clear();
      this.entries.set(hash, [entry]);
    }
    return value;
  }
}

/** FNV-1a step over a 32-bit value: equal inputs, equal hashes, no heap number on the way. */
export function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193) >>> 0;
}

/** The FNV-1a offset basis, where a hash starts. */
export const HASH_START = 0x811c9dc5;
