// Where a step aims: a place in a range of the map (preferably MMIO, at its edges), the address or page of an
// earlier step, a place outside every range (gaps, the top, 128 GiB, single high bits such as the C-bit), or any
// 64-bit address. A target is a tagged value; `targetGpa` turns it into an address in one scenario's map.
import { among, constant, int, map, oneof, pick, tuple, type Gen } from "../gen";
import { gapsOf, pageOf, PAGE_BYTES, topOf, type Gap } from "../memory-maps";
import { PAGE_SIZE, VMM_MAX_VM_MEM_SIZE, type MemRange } from "../types";

const U64_MASK = (1n << 64n) - 1n;
const PAGE_OFFSET_MASK = PAGE_SIZE - 1n;
/** 2^32 as a number, and the `high` below which `high << 32 | low` is a safe integer (below 2^53). */
const TWO_TO_32 = 0x100000000;
const SAFE_HIGH_LIMIT = 0x200000;
/** 1 << bit for every bit of a 64-bit address, computed once. */
const SINGLE_BITS: readonly bigint[] = Array.from({ length: 64 }, (_, bit) => 1n << BigInt(bit));

/** Places in a range. */
export const POSITIONS = [
  "first",
  "last-byte",
  "end-minus-size",
  "middle",
  "random",
  "after-end",
  "last-page",
  "second-page",
  "in-first-page",
] as const;
export type Position = (typeof POSITIONS)[number];

/** Places outside the ranges. */
export const PLACES = [
  "gap-first",
  "gap-last",
  "top",
  "top-next-page",
  "below-max",
  "max",
  "bit",
  "range-with-bit",
  "u64-max",
  "u64-last-page",
] as const;
export type Place = (typeof PLACES)[number];

export type Target =
  /**
   * A position in a range. `slot` 0..15 names a range of the map (modulo its length); 16..31 an MMIO range
   * (modulo their number), or when the map has none, a range as 0..15 do. `random` places "random" and
   * "in-first-page" (its low 12 bits: the offset) and is the address of an empty map.
   */
  | { readonly kind: "in-range"; readonly slot: number; readonly at: Position; readonly random: number }
  /** The address of the step `back` steps before (the preferred range's start when there is none). */
  | { readonly kind: "same-address"; readonly back: number }
  /** Offset `offset` in the page of the step `back` steps before. */
  | { readonly kind: "same-page"; readonly back: number; readonly offset: number }
  /**
   * A place outside the ranges; `choice` picks the gap (gap-first, gap-last) or the bit (bit, range-with-bit);
   * `offset` is the low bits of "bit".
   */
  | { readonly kind: "outside"; readonly place: Place; readonly choice: number; readonly offset: number }
  /** Any address: `high` << 32 | `low`. */
  | { readonly kind: "absolute"; readonly high: number; readonly low: number };

export const SLOT_WEIGHTS = [3, 3] as const;
export const POSITION_WEIGHTS = [3, 2, 1, 1, 2, 2, 1, 1, 2] as const;
export const PLACE_WEIGHTS = [3, 2, 3, 1, 1, 1, 2, 2, 1, 1] as const;
/** Bits a place outside likes: the C-bit and address-size edges of the profiles. */
export const LIKED_BITS = [47, 51, 48, 52, 43, 46, 45, 50, 63];
export const TARGET_WEIGHTS = [5, 3, 2, 1] as const;

const weighted = <T>(values: readonly T[], w: readonly number[]) =>
  pick<T>(...values.map((v, i) => [w[i]!, v] as const));

const inRangeGen: Gen<Target> = map(
  tuple(
    oneof([SLOT_WEIGHTS[0], int(0, 15)], [SLOT_WEIGHTS[1], int(16, 31)]),
    weighted(POSITIONS, POSITION_WEIGHTS),
    int(0, 0x7fffffff),
  ),
  ([slot, at, random]): Target => ({ kind: "in-range", slot, at, random }),
);

const revisitGen: Gen<Target> = map(
  tuple(int(1, 8), pick([2, false], [1, true]), int(0, 0xfff)),
  ([back, inPage, offset]): Target => (inPage ? { kind: "same-page", back, offset } : { kind: "same-address", back }),
);

const outsideGen: Gen<Target> = map(
  tuple(weighted(PLACES, PLACE_WEIGHTS), oneof([3, among(LIKED_BITS)], [2, int(0, 63)]), int(0, 0xfff)),
  ([place, choice, offset]): Target => ({ kind: "outside", place, choice, offset }),
);

const absoluteGen: Gen<Target> = map(
  tuple(oneof([3, constant(0)], [2, int(1, 0x1f)], [1, int(0, 0xffffffff)]), int(0, 0xffffffff)),
  ([high, low]): Target => ({ kind: "absolute", high, low }),
);

export const targetGen: Gen<Target> = oneof(
  [TARGET_WEIGHTS[0], inRangeGen],
  [TARGET_WEIGHTS[1], revisitGen],
  [TARGET_WEIGHTS[2], outsideGen],
  [TARGET_WEIGHTS[3], absoluteGen],
);

/** The previous step's exact address, for the second step of a sequence; two and three steps back. */
export const SAME_AS_PREVIOUS: Target = Object.freeze({ kind: "same-address", back: 1 });
export const SAME_AS_TWO_BACK: Target = Object.freeze({ kind: "same-address", back: 2 });
export const SAME_AS_THREE_BACK: Target = Object.freeze({ kind: "same-address", back: 3 });
/** The previous step's page at the last 32 bytes (a pvclock ending at the page's end) and 4 bytes before its end. */
export const PAGE_LAST_32: Target = Object.freeze({ kind: "same-page", back: 1, offset: 0xfe0 });
export const PAGE_CROSSING: Target = Object.freeze({ kind: "same-page", back: 1, offset: 0xffc });

/**
 * What the steps of one scenario look up in its map: the MMIO ranges and the preferred range at once, the gaps and
 * the top only when a step aims outside the ranges (most scenarios have none).
 */
export class MapView {
  readonly mmio: readonly MemRange[];
  /** The MMIO range if any, else the first range. */
  readonly preferred: MemRange | undefined;
  private gapsCache: readonly Gap[] | undefined;
  private topCache: bigint | undefined;

  constructor(readonly memory: readonly MemRange[]) {
    const mmio: MemRange[] = [];
    for (const r of memory) if (r.type === "mmio") mmio.push(r);
    this.mmio = mmio;
    this.preferred = mmio[0] ?? memory[0];
  }

  get gaps(): readonly Gap[] {
    return (this.gapsCache ??= gapsOf(this.memory));
  }

  get top(): bigint {
    return (this.topCache ??= topOf(this.memory));
  }
}

export function mapView(memory: readonly MemRange[]): MapView {
  return new MapView(memory);
}

export function inRangeGpa(view: MapView, slot: number, at: Position, random: number, size: number): bigint {
  const { memory, mmio } = view;
  if (memory.length === 0) return BigInt(random);
  const r = slot >= 16 && mmio.length > 0 ? mmio[(slot - 16) % mmio.length]! : memory[slot % memory.length]!;
  switch (at) {
    case "first":
      return r.gpa;
    case "last-byte":
      return r.size > 0n ? r.gpa + r.size - 1n : r.gpa;
    case "end-minus-size": {
      const end = r.gpa + r.size;
      return end - BigInt(size) >= r.gpa ? end - BigInt(size) : r.gpa;
    }
    case "middle":
      return r.gpa + pageOf(r.size >> 1n);
    case "random":
      // random << 12 | its low 12 bits: below 2^43, exact as a number.
      return r.size > 0n ? r.gpa + (BigInt(random * PAGE_BYTES + (random & 0xfff)) % r.size) : r.gpa;
    case "after-end":
      return r.gpa + r.size;
    case "last-page":
      return r.size >= PAGE_SIZE ? r.gpa + r.size - PAGE_SIZE : r.gpa;
    case "second-page":
      return r.gpa + PAGE_SIZE;
    case "in-first-page":
      return r.gpa + BigInt(random & 0xfff);
  }
}

export function outsideGpa(view: MapView, place: Place, choice: number, offset: number): bigint {
  switch (place) {
    case "gap-first": {
      const gap = gapAt(view, choice);
      return gap ? gap.start : view.top;
    }
    case "gap-last": {
      const gap = gapAt(view, choice);
      return gap ? gap.end - 1n : view.top + PAGE_SIZE - 1n;
    }
    case "top":
      return view.top;
    case "top-next-page":
      return pageOf(view.top) + PAGE_SIZE;
    case "below-max":
      return VMM_MAX_VM_MEM_SIZE - 1n;
    case "max":
      return VMM_MAX_VM_MEM_SIZE;
    case "bit":
      return singleBit(choice) | BigInt(offset);
    case "range-with-bit":
      return (view.preferred?.gpa ?? 0n) | singleBit(choice);
    case "u64-max":
      return U64_MASK;
    case "u64-last-page":
      return U64_MASK & ~PAGE_OFFSET_MASK;
  }
}

/** The gap `choice` names (modulo their number), or none in a map without gaps. */
function gapAt(view: MapView, choice: number): Gap | undefined {
  const gaps = view.gaps;
  return gaps.length > 0 ? gaps[choice % gaps.length] : undefined;
}

function singleBit(bit: number): bigint {
  return SINGLE_BITS[bit] ?? 1n << BigInt(bit);
}

/** The address of the step `back` steps before the next one (the preferred range's start when there is none). */
export function earlierGpa(view: MapView, earlier: readonly bigint[], back: number): bigint {
  // No read before the first element: a negative index is a slow property lookup.
  const i = earlier.length - back;
  return (i >= 0 ? earlier[i] : undefined) ?? view.preferred?.gpa ?? 0n;
}

/** The address a target names in this map, given the addresses of the earlier steps (not yet masked to 64 bits). */
export function targetGpa(t: Target, view: MapView, earlier: readonly bigint[], size: number): bigint {
  switch (t.kind) {
    case "in-range":
      return inRangeGpa(view, t.slot, t.at, t.random, size);
    case "same-address":
      return earlierGpa(view, earlier, t.back);
    case "same-page":
      return pageOf(earlierGpa(view, earlier, t.back)) | BigInt(t.offset);
    case "outside":
      return outsideGpa(view, t.place, t.choice, t.offset);
    case "absolute":
      // One conversion when the address is a safe integer (most are: high 0 or below 0x20).
      return t.high < SAFE_HIGH_LIMIT ? BigInt(t.high * TWO_TO_32 + t.low) : (BigInt(t.high) << 32n) | BigInt(t.low);
  }
}
