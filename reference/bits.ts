// Bit fields as the AMD manuals draw them: a named field spans bits hi..lo of a register or table entry.

/** One field of a register or table entry, drawn as in the spec's figures: bits `hi` down to `lo`, inclusive. */
export interface BitField {
  readonly hi: number;
  readonly lo: number;
}

/** The field spanning bits hi..lo. */
export function bits(hi: number, lo: number): BitField {
  if (lo < 0 || hi < lo || hi > 63) throw new Error(`bad bit field ${hi}:${lo}`);
  return Object.freeze({ hi, lo });
}

/** The single-bit field at `n`. */
export function bit(n: number): BitField {
  return bits(n, n);
}

/** Masks already built, by `top * 64 + bottom`: a mask is computed once, not on every VM creation. */
const MASKS: (bigint | undefined)[] = new Array<bigint | undefined>(64 * 64).fill(undefined);

/** The mask of bits `hi`..`lo` (inclusive) as a 64-bit value; empty when hi < lo. */
export function maskOf(hi: number, lo: number): bigint {
  const top = Math.min(hi, 63);
  const bottom = Math.max(lo, 0);
  if (top < bottom) return 0n;
  return (MASKS[top * 64 + bottom] ??= ((1n << BigInt(top - bottom + 1)) - 1n) << BigInt(bottom));
}

/** The mask of a field. */
export function fieldMask(f: BitField): bigint {
  return maskOf(f.hi, f.lo);
}

/** The value of field `f` in a 32-bit register value (as CPUID returns it); bits above 31 read as zero. */
export function field32(value: number, f: BitField): number {
  const top = f.hi < 31 ? f.hi : 31;
  if (top < f.lo) return 0;
  const width = top - f.lo + 1;
  // Integer shifts and masks only (a power of two as a double is several times slower here).
  return width === 32 ? value >>> 0 : (value >>> f.lo) & ((1 << width) - 1);
}

/** Whether the single-bit field `f` is set in a 32-bit register value. */
export function flag32(value: number, f: BitField): boolean {
  return field32(value, f) !== 0;
}

/** The positions of the set bits of a 64-bit mask, lowest first. */
export function bitPositions(mask: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if ((mask >> BigInt(i)) & 1n) out.push(i);
  return out;
}
