// Memory maps: shaped like vmd's (6/9), or random valid ones (3/9); with `invalidMaps`, also broken ones (3/12).
// And host RAM: 64 GiB (or the next GiB above what the guest needs) most of the time; sometimes exactly what the
// guest needs (its backing ends at the last host frame), or a few pages more.
import { among, array, constant, int, map, oneof, pick, record, tuple, type Gen } from "../gen";
import { hostRamNeeded } from "../host-ram";
import {
  GiB,
  MAX_GUEST_PAGES,
  MiB,
  PAGE_BYTES,
  PAGE_SHIFT,
  PCI_MMIO_BAR_BASE,
  VMD_MAX_VALID_MEM,
  VMD_MIN_VALID_MIB,
  topOf,
  vmdMemoryMap,
  type VmdLayout,
} from "../memory-maps";
import { PAGE_SIZE, VMM_MAX_MEM_RANGES, VMM_MAX_VM_MEM_SIZE, type MemRange, type MemType } from "../types";
import { drawAmong, drawInt, drawLength, drawOption, weights, type Random } from "./draw";
import type { GeneratorOptions } from "./options";

const U64_MASK = (1n << 64n) - 1n;
const PAGE_OFFSET_MASK = PAGE_SIZE - 1n;

/** Where a range of a random map starts: some pages after the previous range's end, or at a page that matters. */
export type RangeStart =
  { readonly kind: "after"; readonly pages: number } | { readonly kind: "jump"; readonly page: number };

interface RangePlan {
  start: RangeStart;
  pages: number;
  type: MemType;
}

/** Page numbers a random map likes to start a range at: 640K, 1M, the PCI MMIO base, 4G, 64G, the 128G edge. */
const JUMP_PAGES = [
  0xa0,
  0x100,
  Number(PCI_MMIO_BAR_BASE >> PAGE_SHIFT),
  0xffe00,
  0x100000,
  0x1000000,
  MAX_GUEST_PAGES - 1,
  MAX_GUEST_PAGES - 16,
];
const GAP_CUM = weights(3, 2, 1, 1);
const PAGES_CUM = weights(2, 3, 2, 1);
const BIG_RANGE_PAGES = [0x200, 0x10000, 0x40000, 0xff000];
const RANGE_TYPES: readonly MemType[] = ["ram", "mmio", "reserved"];
const RANGE_TYPE_CUM = weights(4, 3, 2);

const after = (pages: number): RangeStart => ({ kind: "after", pages });
const AFTER_0 = Object.freeze(after(0));

export const rangePlanGen: Gen<RangePlan> = record<RangePlan>({
  start: oneof(
    [3, constant(AFTER_0)],
    [2, map(int(1, 16), after)],
    [1, map(int(17, 1 << 20), after)],
    [1, map(among(JUMP_PAGES), (page): RangeStart => ({ kind: "jump", page }))],
  ),
  pages: oneof([2, constant(1)], [3, int(2, 16)], [2, int(17, 1 << 18)], [1, among(BIG_RANGE_PAGES)]),
  type: pick<MemType>([4, "ram"], [3, "mmio"], [2, "reserved"]),
});

/** Appends the range a plan makes after `cursor` (the previous range's end page); returns the new end, or -1 when the plan starts at or past 128 GiB. */
function appendRange(ranges: MemRange[], cursor: number, start: number, pages: number, type: MemType): number {
  if (start >= MAX_GUEST_PAGES) return -1;
  const n = Math.min(pages, MAX_GUEST_PAGES - start);
  // Page numbers below 2^25: their byte addresses are exact as numbers, one conversion each.
  ranges.push({ gpa: BigInt(start * PAGE_BYTES), size: BigInt(n * PAGE_BYTES), type });
  return start + n;
}

/** Some memory outside MMIO: a map of MMIO only gets its first range as RAM. */
function withSomeRam(ranges: MemRange[]): MemRange[] {
  if (!ranges.some((r) => r.type !== "mmio")) ranges[0]!.type = "ram";
  return ranges;
}

/** A valid map from range plans: ascending, page aligned, below 128 GiB, with some memory outside MMIO. */
export function buildRandomMap(plans: readonly RangePlan[]): MemRange[] {
  const ranges: MemRange[] = [];
  let cursor = 0;
  for (const p of plans) {
    const start = p.start.kind === "after" ? cursor + p.start.pages : Math.max(cursor, p.start.page);
    cursor = appendRange(ranges, cursor, start, p.pages, p.type);
    if (cursor < 0) break;
  }
  return withSomeRam(ranges);
}

export const randomMapGen: Gen<MemRange[]> = map(array(rangePlanGen, 1, VMM_MAX_MEM_RANGES), buildRandomMap);

const VMD_MAX_VALID_MIB = Number(VMD_MAX_VALID_MEM / MiB);
const MIB_BYTES = Number(MiB);
const MMIO_BASE_MIB = Number(PCI_MMIO_BAR_BASE / MiB);
const VMD_ROUND_MIB = [512, 1024, 2048, 4096, 8192, 16384, 65536];
const VMD_EDGE_MIB = [MMIO_BASE_MIB, MMIO_BASE_MIB - 1, MMIO_BASE_MIB + 1];
const VMD_MIB_CUM = weights(4, 2, 1, 2, 1);
const VMD_LAYOUT_ORDER: readonly VmdLayout[] = ["vmd", "vmd-4m"];
const VMD_LAYOUT_CUM = weights(4, 1);

/** vmd guest sizes in MiB: small ones leave a gap below the MMIO window; large ones put RAM above 4 GiB. */
const vmdMiBGen: Gen<number> = oneof(
  [4, int(VMD_MIN_VALID_MIB, MMIO_BASE_MIB - 1)],
  [2, among(VMD_ROUND_MIB)],
  [1, among(VMD_EDGE_MIB)],
  [2, int(MMIO_BASE_MIB + 1, VMD_MAX_VALID_MIB)],
  [1, constant(VMD_MAX_VALID_MIB)],
);

export const vmdMapGen: Gen<MemRange[]> = map(
  tuple(pick<VmdLayout>([4, "vmd"], [1, "vmd-4m"]), vmdMiBGen),
  ([layout, mib]) => vmdMemoryMap(BigInt(mib) * MiB, layout),
);

/** Ways to break a valid map, each against a rule of vm_create_check_mem_ranges. */
export const CORRUPTIONS = [
  "overlap",
  "descending",
  "unaligned-gpa",
  "unaligned-size",
  "zero-size",
  "too-many",
  "empty",
  "beyond-max",
  "huge",
  "duplicate",
  "mmio-only",
  "vmd-small",
  "vmd-too-big",
] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

interface CorruptionPlan {
  base: MemRange[];
  how: Corruption;
  /** Which range (or how many extra), as each corruption reads it. */
  at: number;
  /** Bytes of misalignment, or which of two forms. */
  amount: number;
}

/** `base` broken the way `how` names; the result usually (not always) breaks a rule. */
export function corruptMap(plan: CorruptionPlan): MemRange[] {
  const r = plan.base.map((m) => ({ ...m }));
  const n = r.length;
  const i = plan.at % n;
  const j = n > 1 ? 1 + (plan.at % (n - 1)) : 0;
  const top = topOf(r);
  const amount = BigInt(plan.amount);
  switch (plan.how) {
    case "overlap":
      if (n > 1) r[j]!.gpa = r[j - 1]!.gpa + r[j - 1]!.size - PAGE_SIZE;
      else r.push({ gpa: r[0]!.gpa, size: PAGE_SIZE, type: "ram" });
      return r;
    case "descending":
      if (n > 1) [r[j - 1], r[j]] = [r[j]!, r[j - 1]!];
      else r.push({ gpa: 0n, size: PAGE_SIZE, type: "ram" });
      return r;
    case "unaligned-gpa":
      r[i]!.gpa += amount;
      return r;
    case "unaligned-size":
      r[i]!.size += amount;
      return r;
    case "zero-size":
      r[i]!.size = 0n;
      return r;
    case "too-many": {
      const extra = VMM_MAX_MEM_RANGES + 1 + (plan.at % 4) - n;
      for (let k = 0; k < extra; k++) r.push({ gpa: top + BigInt(2 * k) * PAGE_SIZE, size: PAGE_SIZE, type: "ram" });
      return r;
    }
    case "empty":
      return [];
    case "beyond-max":
      if (plan.amount % 2 === 0)
        r.push({ gpa: VMM_MAX_VM_MEM_SIZE + BigInt(plan.at) * PAGE_SIZE, size: PAGE_SIZE, type: "ram" });
      else
        r.push({
          gpa: top > VMM_MAX_VM_MEM_SIZE - PAGE_SIZE ? top : VMM_MAX_VM_MEM_SIZE - PAGE_SIZE,
          size: 2n * PAGE_SIZE,
          type: "ram",
        });
      return r;
    case "huge":
      r.push({ gpa: top, size: U64_MASK & ~PAGE_OFFSET_MASK, type: "mmio" });
      return r;
    case "duplicate":
      r.splice(i + 1, 0, { ...r[i]! });
      return r;
    case "mmio-only":
      for (const m of r) m.type = "mmio";
      return r;
    case "vmd-small":
      return vmdMemoryMap(BigInt(1 + (plan.at % 3)) * MiB, "vmd");
    case "vmd-too-big":
      return vmdMemoryMap(VMD_MAX_VALID_MEM + BigInt(1 + plan.at) * MiB, "vmd");
  }
}

export const corruptionPlanGen: Gen<CorruptionPlan> = record<CorruptionPlan>({
  base: oneof([1, randomMapGen], [1, vmdMapGen]),
  how: among(CORRUPTIONS),
  at: int(0, 15),
  amount: int(1, 0xfff),
});

export function memoryMapGen(options: GeneratorOptions): Gen<MemRange[]> {
  if (!options.invalidMaps) return oneof([3, randomMapGen], [6, vmdMapGen]);
  return oneof([3, randomMapGen], [6, vmdMapGen], [3, map(corruptionPlanGen, corruptMap)]);
}

/** How much host RAM the machine has, relative to what the guest needs backed. */
export type RamPlan =
  { readonly kind: "default" } | { readonly kind: "exact" } | { readonly kind: "extra"; readonly pages: number };

export const DEFAULT_RAM_BYTES = 64n * GiB;
const RAM_DEFAULT: RamPlan = Object.freeze({ kind: "default" });
const RAM_EXACT: RamPlan = Object.freeze({ kind: "exact" });
const RAM_CUM = weights(8, 1, 1);
const RAM_EXTRA_MAX = 0x3ffff;

export const ramPlanGen: Gen<RamPlan> = oneof(
  [8, constant(RAM_DEFAULT)],
  [1, constant(RAM_EXACT)],
  [1, map(int(1, RAM_EXTRA_MAX), (pages): RamPlan => ({ kind: "extra", pages }))],
);

export function ramBytesFor(plan: RamPlan, memory: readonly MemRange[]): bigint {
  const needed = hostRamNeeded(memory);
  switch (plan.kind) {
    case "exact":
      return needed;
    case "extra":
      return needed + BigInt(plan.pages) * PAGE_SIZE;
    case "default": {
      if (needed <= DEFAULT_RAM_BYTES) return DEFAULT_RAM_BYTES;
      const rounded = (needed + GiB - 1n) & ~(GiB - 1n);
      return rounded > U64_MASK ? needed : rounded;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The same, drawn straight from a PRNG (the sampler's reading).

function drawRandomMap(random: Random): MemRange[] {
  const count = drawLength(random, 1, VMM_MAX_MEM_RANGES);
  const ranges: MemRange[] = [];
  let cursor = 0;
  for (let k = 0; k < count; k++) {
    const gap = drawOption(random, GAP_CUM);
    const startPages =
      gap === 0 ? 0 : gap === 1 ? drawInt(random, 1, 16) : gap === 2 ? drawInt(random, 17, 1 << 20) : -1;
    const start = startPages >= 0 ? cursor + startPages : Math.max(cursor, drawAmong(random, JUMP_PAGES));
    const size = drawOption(random, PAGES_CUM);
    const pages =
      size === 0
        ? 1
        : size === 1
          ? drawInt(random, 2, 16)
          : size === 2
            ? drawInt(random, 17, 1 << 18)
            : drawAmong(random, BIG_RANGE_PAGES);
    const type = RANGE_TYPES[drawOption(random, RANGE_TYPE_CUM)]!;
    // Every plan is drawn; those after one that starts past 128 GiB make no range.
    if (cursor >= 0) cursor = appendRange(ranges, cursor, start, pages, type);
  }
  return withSomeRam(ranges);
}

function drawVmdMap(random: Random): MemRange[] {
  const layout = VMD_LAYOUT_ORDER[drawOption(random, VMD_LAYOUT_CUM)]!;
  let mib: number;
  switch (drawOption(random, VMD_MIB_CUM)) {
    case 0:
      mib = drawInt(random, VMD_MIN_VALID_MIB, MMIO_BASE_MIB - 1);
      break;
    case 1:
      mib = drawAmong(random, VMD_ROUND_MIB);
      break;
    case 2:
      mib = drawAmong(random, VMD_EDGE_MIB);
      break;
    case 3:
      mib = drawInt(random, MMIO_BASE_MIB + 1, VMD_MAX_VALID_MIB);
      break;
    default:
      mib = VMD_MAX_VALID_MIB;
  }
  // Below 2^38 bytes: exact as a number, one conversion.
  return vmdMemoryMap(BigInt(mib * MIB_BYTES), layout);
}

const MAP_CUM = weights(3, 6);
const MAP_INVALID_CUM = weights(3, 6, 3);
const HALVES_CUM = weights(1, 1);

/** memoryMapGen, drawn. */
export function drawMemoryMap(random: Random, options: GeneratorOptions): MemRange[] {
  const shape = drawOption(random, options.invalidMaps ? MAP_INVALID_CUM : MAP_CUM);
  if (shape === 0) return drawRandomMap(random);
  if (shape === 1) return drawVmdMap(random);
  const base = drawOption(random, HALVES_CUM) === 0 ? drawRandomMap(random) : drawVmdMap(random);
  const how = drawAmong(random, CORRUPTIONS);
  const at = drawInt(random, 0, 15);
  return corruptMap({ base, how, at, amount: drawInt(random, 1, 0xfff) });
}

/** ramPlanGen, drawn, as the host's RAM bytes for this map. */
export function drawRamBytes(random: Random, memory: readonly MemRange[]): bigint {
  const plan = drawOption(random, RAM_CUM);
  return ramBytesFor(
    plan === 0 ? RAM_DEFAULT : plan === 1 ? RAM_EXACT : { kind: "extra", pages: drawInt(random, 1, RAM_EXTRA_MAX) },
    memory,
  );
}
