// The scenario space: every choice a generated scenario makes and its weight, written once (see gen.ts) and
// interpreted by the seeded sampler, the fast-check arbitraries and the raw-byte decoder alike.
// Option 0 of every choice is where shrinking goes: one CPU of a real profile (the patch author's EPYC 9124 first),
// an SEV-ES guest with memory encryption on, the fewest ranges (RAM and one MMIO range when MMIO matters) and one
// step; the byte decoder reads the same values from an empty input.
import { hostRamNeeded } from "../cpu/machine";
import { MAX_CPUS, MAX_STEPS } from "./codec";
import { array, constant, int, map, oneof, pick, record, tuple, type Gen } from "./gen";
import {
  GiB,
  MAX_GUEST_PAGES,
  MiB,
  PAGE_SHIFT,
  PCI_MMIO_BAR_BASE,
  VMD_MAX_VALID_MEM,
  VMD_MIN_VALID_MIB,
  gapsOf,
  pageOf,
  topOf,
  vmdMemoryMap,
  type Gap,
  type VmdLayout,
} from "./memory-maps";
import {
  AMD_VENDOR,
  ENC_FEATURE,
  LEAF_EXT_MAX,
  PROFILES,
  cpuFromFields,
  fieldsOfCpu,
  profileOf,
  type CpuFields,
  type ProfileName,
} from "./profiles";
import {
  GUEST_KINDS,
  PAGE_SIZE,
  VMM_MAX_MEM_RANGES,
  VMM_MAX_VM_MEM_SIZE,
  guestKind,
  guestOfKind,
  type AccessKind,
  type GuestKind,
  type MemRange,
  type MemType,
  type Scenario,
  type Step,
  GHCB_MSR_CPUID_REQUEST,
  GHCB_MSR_TERMINATE,
} from "./types";
import { checkMemoryMap, checkScenario } from "./validate";

// ---------------------------------------------------------------------------------------------------------------
// Options

export interface GeneratorOptions {
  /** Most steps in one scenario (1..256); at least one step is always made. */
  readonly maxSteps: number;
  /** Most host CPUs (1..64). */
  readonly maxCpus: number;
  /** Also make memory maps vmm must refuse; such scenarios carry `invalidMemory: true`. */
  readonly invalidMaps: boolean;
  /** The guest kinds to make (non-empty). */
  readonly guestKinds: readonly GuestKind[];
  /** CPUs are exact named profiles only (no field changes). */
  readonly profileOnly: boolean;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = Object.freeze({
  maxSteps: 8,
  maxCpus: 4,
  invalidMaps: false,
  guestKinds: GUEST_KINDS,
  profileOnly: false,
});

/** Options with defaults filled in, checked, and frozen; throws RangeError on a bad value. */
export function resolveGeneratorOptions(options: Partial<GeneratorOptions> = {}): GeneratorOptions {
  const o = { ...DEFAULT_GENERATOR_OPTIONS, ...options };
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 1 || o.maxSteps > MAX_STEPS) {
    throw new RangeError(`maxSteps must be an integer in 1..${MAX_STEPS}`);
  }
  if (!Number.isInteger(o.maxCpus) || o.maxCpus < 1 || o.maxCpus > MAX_CPUS) {
    throw new RangeError(`maxCpus must be an integer in 1..${MAX_CPUS}`);
  }
  const kinds = GUEST_KINDS.filter((k) => o.guestKinds.includes(k));
  if (kinds.length === 0 || o.guestKinds.some((k) => !GUEST_KINDS.includes(k))) {
    throw new RangeError(`guestKinds must be a non-empty subset of ${GUEST_KINDS.join(", ")}`);
  }
  return Object.freeze({
    maxSteps: o.maxSteps,
    maxCpus: o.maxCpus,
    invalidMaps: !!o.invalidMaps,
    guestKinds: Object.freeze(kinds),
    profileOnly: !!o.profileOnly,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Uniform choice among values; shrinks toward the first. */
function among<T>(values: readonly T[]): Gen<T> {
  return map(int(0, values.length - 1), (i) => values[i]!);
}

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

const U64_MASK = (1n << 64n) - 1n;
const PAGE_OFFSET_MASK = PAGE_SIZE - 1n;

// ---------------------------------------------------------------------------------------------------------------
// CPUs: a real profile, or a profile with some fields changed. A field "pick" is a number: KEEP keeps the base
// value, a value >= 0 sets the field, and a value below KEEP names a relation to other fields (resolved in order
// phys -> reduction -> C-bit, so "C-bit at the edge of the reduction window" means the window of the new values).

/** Profiles in shrink order (the patch author's machine first) and their weights. */
export const PROFILE_ORDER: readonly ProfileName[] = Object.freeze([
  "epyc-9124",
  "genoa",
  "milan",
  "zen2-rome",
  "zen1-naples",
  "qemu-sev-guest",
]);
const PROFILE_WEIGHTS = [3, 2, 2, 2, 1, 1];

const KEEP = -1;

export const VENDORS: readonly string[] = Object.freeze([
  AMD_VENDOR,
  "HygonGenuine",
  "GenuineIntel",
  "AMDisbetter!",
  "",
]);

const MAX_EXT_BOUNDARIES = [
  0x8000001f, 0x8000001e, 0x80000020, 0x80000008, 0x80000007, 0x80000009, 0x80000000, 0x80000001, 0xffffffff, 0,
  0x7fffffff, 0x8000ffff,
];
const PHYS_BOUNDARIES = [
  48, 52, 0, 1, 11, 12, 13, 32, 36, 39, 40, 43, 45, 46, 47, 49, 51, 53, 57, 63, 64, 65, 127, 128, 254, 255,
];
const CBIT_BOUNDARIES = [47, 51, 0, 1, 11, 12, 31, 32, 39, 42, 43, 45, 46, 48, 50, 52, 53, 62, 63];
const REDUCTION_BOUNDARIES = [5, 6, 0, 1, 2, 4, 7, 12, 16, 31, 32, 36, 40, 46, 47, 48, 51, 52, 63];
const FEATURE_PRESETS = [
  0x0001000f,
  0,
  ENC_FEATURE.SME,
  ENC_FEATURE.SME | ENC_FEATURE.SEV,
  ENC_FEATURE.SME | ENC_FEATURE.SEV | ENC_FEATURE.SevEs,
  ENC_FEATURE.SEV | ENC_FEATURE.SevEs,
  ENC_FEATURE.SME | ENC_FEATURE.SevEs,
  ENC_FEATURE.SEV,
  ENC_FEATURE.SevEs,
  0xffffffff,
];
const ECX_BOUNDARIES = [509, 1006, 15, 0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
const EDX_BOUNDARIES = [1, 0, 2, 128, 509, 510, 1006, 1007, 0xffffffff];

// Relations of PhysAddrReduction to PhysAddrSize.
const RED_EQ_PHYS = -2;
const RED_PHYS_PLUS_1 = -3;
const RED_PHYS_MINUS_1 = -4;
const RED_LEAVES_PAGE_BITS = -5;
// Relations of the C-bit to PhysAddrSize and the reduction window [phys - red, phys).
const CBIT_AT_PHYS = -2;
const CBIT_TOP_ADDR_BIT = -3;
const CBIT_WINDOW_LOW = -4;
const CBIT_BELOW_WINDOW = -5;
const CBIT_INSIDE_WINDOW = -6;
const CBIT_ABOVE_PHYS = -7;

export interface CpuPicks {
  vendor: number;
  maxExtLeaf: number;
  physAddrSize: number;
  linAddrSize: number;
  guestPhysAddrSize: number;
  addrSizesHigh: number;
  encFeatures: number;
  reduction: number;
  cBit: number;
  numVmpl: number;
  encEbxHigh: number;
  ecx: number;
  edx: number;
}

function picksGen(keep: number): Gen<CpuPicks> {
  const k = constant(KEEP);
  return record<CpuPicks>({
    vendor: oneof([keep * 2, k], [1, int(1, VENDORS.length - 1)]),
    maxExtLeaf: oneof(
      [keep, k],
      [3, among(MAX_EXT_BOUNDARIES)],
      [1, int(0x80000000, 0x8000003f)],
      [1, int(0, 0xffffffff)],
    ),
    physAddrSize: oneof([keep, k], [3, among(PHYS_BOUNDARIES)], [2, int(0, 255)]),
    linAddrSize: oneof([keep * 2, k], [1, among([48, 57, 0, 255])], [1, int(0, 255)]),
    guestPhysAddrSize: oneof([keep * 2, k], [1, among([0, 48, 52, 40])], [1, int(0, 255)]),
    addrSizesHigh: oneof([keep * 3, k], [1, int(0, 255)]),
    encFeatures: oneof(
      [keep, k],
      [3, among(FEATURE_PRESETS)],
      [2, map(int(0, 31), (bit) => -2 - bit)],
      [1, int(0, 0xffffffff)],
    ),
    reduction: oneof(
      [keep, k],
      [3, among(REDUCTION_BOUNDARIES)],
      [2, among([RED_EQ_PHYS, RED_PHYS_PLUS_1, RED_PHYS_MINUS_1, RED_LEAVES_PAGE_BITS])],
      [2, int(0, 63)],
    ),
    cBit: oneof(
      [keep, k],
      [3, among(CBIT_BOUNDARIES)],
      [
        3,
        among([
          CBIT_AT_PHYS,
          CBIT_TOP_ADDR_BIT,
          CBIT_WINDOW_LOW,
          CBIT_BELOW_WINDOW,
          CBIT_INSIDE_WINDOW,
          CBIT_ABOVE_PHYS,
        ]),
      ],
      [2, int(0, 63)],
    ),
    numVmpl: oneof([keep * 2, k], [1, int(0, 15)]),
    encEbxHigh: oneof([keep * 3, k], [1, int(0, 0xffff)]),
    ecx: oneof([keep, k], [2, among(ECX_BOUNDARIES)], [1, int(0, 0xffffffff)]),
    edx: oneof([keep, k], [2, among(EDX_BOUNDARIES)], [1, int(0, 0xffffffff)]),
  });
}

function reductionOf(p: number, base: number, phys: number): number {
  if (p === KEEP) return base;
  if (p >= 0) return p;
  const delta = p === RED_EQ_PHYS ? 0 : p === RED_PHYS_PLUS_1 ? 1 : p === RED_PHYS_MINUS_1 ? -1 : -12;
  return mod(phys + delta, 64);
}

function cBitOf(p: number, base: number, phys: number, red: number): number {
  if (p === KEEP) return base;
  if (p >= 0) return p;
  switch (p) {
    case CBIT_AT_PHYS:
      return mod(phys, 64);
    case CBIT_TOP_ADDR_BIT:
      return mod(phys - 1, 64);
    case CBIT_WINDOW_LOW:
      return mod(phys - red, 64);
    case CBIT_BELOW_WINDOW:
      return mod(phys - red - 1, 64);
    case CBIT_INSIDE_WINDOW:
      return mod(phys - red + (red >> 1), 64);
    default:
      return mod(phys + 1, 64);
  }
}

/** The fields of `base` with the picks applied. */
export function applyPicks(base: Readonly<CpuFields>, p: CpuPicks): CpuFields {
  const keep = (pick: number, value: number) => (pick === KEEP ? value : pick);
  const physAddrSize = keep(p.physAddrSize, base.physAddrSize);
  const reduction = reductionOf(p.reduction, base.reduction, physAddrSize);
  const feats = p.encFeatures;
  return {
    vendor: p.vendor === KEEP ? base.vendor : VENDORS[p.vendor]!,
    maxExtLeaf: keep(p.maxExtLeaf, base.maxExtLeaf),
    physAddrSize,
    linAddrSize: keep(p.linAddrSize, base.linAddrSize),
    guestPhysAddrSize: keep(p.guestPhysAddrSize, base.guestPhysAddrSize),
    addrSizesHigh: keep(p.addrSizesHigh, base.addrSizesHigh),
    encFeatures:
      feats === KEEP ? base.encFeatures : feats >= 0 ? feats : (base.encFeatures ^ (1 << (-2 - feats))) >>> 0,
    cBit: cBitOf(p.cBit, base.cBit, physAddrSize, reduction),
    reduction,
    numVmpl: keep(p.numVmpl, base.numVmpl),
    encEbxHigh: keep(p.encEbxHigh, base.encEbxHigh),
    ecx: keep(p.ecx, base.ecx),
    edx: keep(p.edx, base.edx),
  };
}

/** An exact named profile. */
export const profileFieldsGen: Gen<Readonly<CpuFields>> = oneof(
  ...PROFILE_ORDER.map((name, i) => [PROFILE_WEIGHTS[i]!, constant(PROFILES[name].fields)] as const),
);

/** One host CPU's fields: a real profile (3/8) or a profile with fields changed (5/8). */
export function cpuFieldsGen(options: GeneratorOptions): Gen<Readonly<CpuFields>> {
  if (options.profileOnly) return profileFieldsGen;
  const changed = map(tuple(profileFieldsGen, picksGen(6)), ([base, picks]) => applyPicks(base, picks));
  return oneof([3, profileFieldsGen], [5, changed]);
}

/**
 * The host CPUs: one (5/11); copies of one (3/11); a boot CPU and others that differ from it in a field or two
 * (2/11); CPUs drawn independently (1/11).
 */
export function cpusFieldsGen(options: GeneratorOptions): Gen<Readonly<CpuFields>[]> {
  const one = cpuFieldsGen(options);
  const single = map(one, (f) => [f]);
  const n = options.maxCpus;
  if (n === 1) return single;
  const copies = map(tuple(one, int(2, n)), ([f, count]) => Array.from({ length: count }, () => f));
  const varied = map(tuple(one, array(picksGen(24), 1, n - 1)), ([boot, picks]) => [
    boot,
    ...picks.map((p) => applyPicks(boot, p)),
  ]);
  const independent = array(one, 2, n);
  return oneof([5, single], [3, copies], [options.profileOnly ? 0 : 2, varied], [1, independent]);
}

// ---------------------------------------------------------------------------------------------------------------
// Memory maps: shaped like vmd's (6/9), or random valid ones (3/9); with `invalidMaps`, also broken ones (3/12).

interface RangePlan {
  /** Pages after the previous range's end; below 0: jump to JUMP_PAGES[-1 - gap]. */
  gap: number;
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

const rangePlanGen: Gen<RangePlan> = record<RangePlan>({
  gap: oneof(
    [3, constant(0)],
    [2, int(1, 16)],
    [1, int(17, 1 << 20)],
    [1, map(int(0, JUMP_PAGES.length - 1), (i) => -1 - i)],
  ),
  pages: oneof(
    [2, constant(1)],
    [3, int(2, 16)],
    [2, int(17, 1 << 18)],
    [1, among([0x200, 0x10000, 0x40000, 0xff000])],
  ),
  type: pick<MemType>([4, "ram"], [3, "mmio"], [2, "reserved"]),
});

/** A valid map from range plans: ascending, page aligned, below 128 GiB, with some memory outside MMIO. */
export function buildRandomMap(plans: readonly RangePlan[]): MemRange[] {
  const ranges: MemRange[] = [];
  let cursor = 0;
  for (const p of plans) {
    const start = p.gap >= 0 ? cursor + p.gap : Math.max(cursor, JUMP_PAGES[-1 - p.gap]!);
    if (start >= MAX_GUEST_PAGES) break;
    const pages = Math.min(p.pages, MAX_GUEST_PAGES - start);
    ranges.push({ gpa: BigInt(start) << PAGE_SHIFT, size: BigInt(pages) << PAGE_SHIFT, type: p.type });
    cursor = start + pages;
  }
  if (!ranges.some((r) => r.type !== "mmio")) ranges[0]!.type = "ram";
  return ranges;
}

export const randomMapGen: Gen<MemRange[]> = map(array(rangePlanGen, 1, VMM_MAX_MEM_RANGES), buildRandomMap);

const VMD_MAX_VALID_MIB = Number(VMD_MAX_VALID_MEM / MiB);
const MMIO_BASE_MIB = Number(PCI_MMIO_BAR_BASE / MiB);

/** vmd guest sizes in MiB: small ones leave a gap below the MMIO window; large ones put RAM above 4 GiB. */
const vmdMiBGen: Gen<number> = oneof(
  [4, int(VMD_MIN_VALID_MIB, MMIO_BASE_MIB - 1)],
  [2, among([512, 1024, 2048, 4096, 8192, 16384, 65536])],
  [1, among([MMIO_BASE_MIB, MMIO_BASE_MIB - 1, MMIO_BASE_MIB + 1])],
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
  how: number;
  at: number;
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
  switch (CORRUPTIONS[plan.how]!) {
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

export function memoryMapGen(options: GeneratorOptions): Gen<MemRange[]> {
  if (!options.invalidMaps) return oneof([3, randomMapGen], [6, vmdMapGen]);
  const invalid = map(
    record<CorruptionPlan>({
      base: oneof([1, randomMapGen], [1, vmdMapGen]),
      how: int(0, CORRUPTIONS.length - 1),
      at: int(0, 15),
      amount: int(1, 0xfff),
    }),
    corruptMap,
  );
  return oneof([3, randomMapGen], [6, vmdMapGen], [3, invalid]);
}

// ---------------------------------------------------------------------------------------------------------------
// Host RAM: 64 GiB (or the next GiB above what the guest needs) most of the time; sometimes exactly what the guest
// needs (its backing ends at the last host frame), or a few pages more.

const RAM_DEFAULT = -1;
const RAM_EXACT = 0;
export const DEFAULT_RAM_BYTES = 64n * GiB;

/**
 * host.pvEntries: never drawn (absent: the pool never runs dry). The port's pmap_pv_pool accounting (uvm_fault's
 * retries included) and the reference's `outOfMemoryFails` are not yet shown to count the same entries, so a drawn
 * pool would report differences of the two models rather than of vmm; the knob stays for hand-written scenarios.
 */
const pvEntriesGen: Gen<number> = constant(-1);

const ramPlanGen: Gen<number> = oneof([8, constant(RAM_DEFAULT)], [1, constant(RAM_EXACT)], [1, int(1, 0x3ffff)]);

export function ramBytesFor(plan: number, memory: readonly MemRange[]): bigint {
  const needed = hostRamNeeded(memory as MemRange[]);
  if (plan === RAM_EXACT) return needed;
  if (plan > 0) return needed + BigInt(plan) * PAGE_SIZE;
  if (needed <= DEFAULT_RAM_BYTES) return DEFAULT_RAM_BYTES;
  const rounded = (needed + GiB - 1n) & ~(GiB - 1n);
  return rounded > U64_MASK ? needed : rounded;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps. A step aims at a place in the map (a range, preferably MMIO, at its edges), at the page of an earlier step,
// outside every range (gaps, the top, 128 GiB, single high bits such as the C-bit), or at any 64-bit address.

const T_IN_RANGE = 0;
const T_REVISIT = 1;
const T_OUTSIDE = 2;
const T_ABSOLUTE = 3;

interface TargetPlan {
  mode: number;
  a: number;
  b: number;
  c: number;
}

// Positions in a range.
const P_FIRST = 0;
const P_LAST_BYTE = 1;
const P_END_MINUS_SIZE = 2;
const P_MIDDLE = 3;
const P_RANDOM = 4;
const P_AFTER_END = 5;
const P_LAST_PAGE = 6;
const P_SECOND_PAGE = 7;
const P_IN_FIRST_PAGE = 8;

// Places outside the ranges.
const O_GAP_FIRST = 0;
const O_GAP_LAST = 1;
const O_TOP = 2;
const O_TOP_NEXT_PAGE = 3;
const O_BELOW_MAX = 4;
const O_MAX = 5;
const O_BIT = 6;
const O_RANGE_WITH_BIT = 7;
const O_U64_MAX = 8;
const O_U64_LAST_PAGE = 9;

const inRangeGen: Gen<TargetPlan> = map(
  tuple(
    oneof([3, int(0, 15)], [3, int(16, 31)]),
    pick(
      [3, P_FIRST],
      [2, P_LAST_BYTE],
      [1, P_END_MINUS_SIZE],
      [1, P_MIDDLE],
      [2, P_RANDOM],
      [2, P_AFTER_END],
      [1, P_LAST_PAGE],
      [1, P_SECOND_PAGE],
      [2, P_IN_FIRST_PAGE],
    ),
    int(0, 0x7fffffff),
  ),
  ([a, b, c]) => ({ mode: T_IN_RANGE, a, b, c }),
);

const revisitGen: Gen<TargetPlan> = map(tuple(int(1, 8), pick([2, 0], [1, 1]), int(0, 0xfff)), ([a, b, c]) => ({
  mode: T_REVISIT,
  a,
  b,
  c,
}));

const outsideGen: Gen<TargetPlan> = map(
  tuple(
    pick(
      [3, O_GAP_FIRST],
      [2, O_GAP_LAST],
      [3, O_TOP],
      [1, O_TOP_NEXT_PAGE],
      [1, O_BELOW_MAX],
      [1, O_MAX],
      [2, O_BIT],
      [2, O_RANGE_WITH_BIT],
      [1, O_U64_MAX],
      [1, O_U64_LAST_PAGE],
    ),
    oneof([3, among([47, 51, 48, 52, 43, 46, 45, 50, 63])], [2, int(0, 63)]),
    int(0, 0xfff),
  ),
  ([a, b, c]) => ({ mode: T_OUTSIDE, a, b, c }),
);

const absoluteGen: Gen<TargetPlan> = map(
  tuple(oneof([3, constant(0)], [2, int(1, 0x1f)], [1, int(0, 0xffffffff)]), int(0, 0xffffffff)),
  ([a, c]) => ({ mode: T_ABSOLUTE, a, b: 0, c }),
);

const targetGen: Gen<TargetPlan> = oneof([5, inRangeGen], [3, revisitGen], [2, outsideGen], [1, absoluteGen]);

export interface StepPlan {
  /** 0..999: chooses the op through the guest kind's table (OP_TABLE). */
  roll: number;
  target: TargetPlan;
  kind: AccessKind;
  size: number;
  walk: boolean;
  write: boolean;
  /** ghcb: page aligned; pvclock, vmd-pvclock, wallclock: 32-byte aligned. */
  aligned: boolean;
  /** ghcb: the guest writes its GHCB through the nested walk first. */
  guestWrite: boolean;
  /** ghcb-msr: picks the GHCB MSR value (a protocol request, msrOf). */
  msr: number;
  cpu: number;
}

/** GHCB MSR protocol requests (GHCB spec 56421 §2.3.1): CPUID requests, termination, and requests no host serves. */
const CPUID_FUNCTIONS = [0, 1, 0x80000000, 0x8000001f, 0x80000008, 7, 0xd, 0x8000001e];

/** The GHCB MSR value a plan's `msr` number picks: 6/9 a CPUID request, 2/9 termination, 1/9 another request. */
function msrOf(x: number): bigint {
  const kind = x % 9;
  const rest = Math.floor(x / 9);
  if (kind < 6) {
    const fn = BigInt(CPUID_FUNCTIONS[rest % CPUID_FUNCTIONS.length]!);
    return (fn << 32n) | (BigInt((rest >> 3) & 3) << 30n) | GHCB_MSR_CPUID_REQUEST;
  }
  if (kind < 8) return (BigInt(rest & 0xff) << 12n) | GHCB_MSR_TERMINATE;
  return BigInt(1 + (rest % 0xfff));
}

function stepPlanGen(options: GeneratorOptions): Gen<StepPlan> {
  return record<StepPlan>({
    roll: int(0, 999),
    target: targetGen,
    kind: pick<AccessKind>([4, "read"], [3, "write"], [1, "fetch"]),
    size: oneof([2, constant(1)], [3, constant(4)], [2, constant(8)], [1, constant(2)], [2, int(1, 8)]),
    walk: pick([9, false], [1, true]),
    write: pick([1, false], [1, true]),
    aligned: pick([4, true], [1, false]),
    guestWrite: pick([3, false], [1, true]),
    msr: int(0, 0xfffff),
    cpu: options.maxCpus > 1 ? oneof([3, constant(0)], [2, int(0, options.maxCpus - 1)]) : constant(0),
  });
}

/** Ops per mille by roll: SEV-ES guests use all of them; others no GHCB ops. */
export const OP_TABLE = Object.freeze({
  sevEs: Object.freeze([
    ["access", 450],
    ["mmio-nae", 650],
    ["ghcb", 780],
    ["ghcb-msr", 830],
    ["pvclock", 900],
    ["wallclock", 950],
    ["vmd-pvclock", 1000],
  ] as const),
  other: Object.freeze([
    ["access", 800],
    ["pvclock", 900],
    ["wallclock", 950],
    ["vmd-pvclock", 1000],
  ] as const),
});

/** A roll that picks `op` for an SEV-ES guest (the first of its range). */
function rollOf(op: Step["op"]): number {
  let from = 0;
  for (const [name, below] of OP_TABLE.sevEs) {
    if (name === op) return from;
    from = below;
  }
  return 0;
}

/** The previous step's exact address, for the second step of a sequence. */
const SAME_AS_PREVIOUS: TargetPlan = Object.freeze({ mode: T_REVISIT, a: 1, b: 0, c: 0 });
/** Two and three steps back. */
const SAME_AS_TWO_BACK: TargetPlan = Object.freeze({ mode: T_REVISIT, a: 2, b: 0, c: 0 });
const SAME_AS_THREE_BACK: TargetPlan = Object.freeze({ mode: T_REVISIT, a: 3, b: 0, c: 0 });
/** The previous step's page at the last 32 bytes (a pvclock ending at the page's end) and 4 bytes before its end. */
const PAGE_LAST_32: TargetPlan = Object.freeze({ mode: T_REVISIT, a: 1, b: 1, c: 0xfe0 });
const PAGE_CROSSING: TargetPlan = Object.freeze({ mode: T_REVISIT, a: 1, b: 1, c: 0xffc });

type Aim = "touch" | "same" | "two-back" | "three-back" | "last-32" | "crossing";
const AIMS: Record<Exclude<Aim, "touch">, TargetPlan> = {
  same: SAME_AS_PREVIOUS,
  "two-back": SAME_AS_TWO_BACK,
  "three-back": SAME_AS_THREE_BACK,
  "last-32": PAGE_LAST_32,
  crossing: PAGE_CROSSING,
};

/**
 * Sequences that matter, as ops and where each aims: "touch" is a fresh target (an access), "same" the previous
 * step's address, "two-back" the one before. They reach the paths a random order reaches late: a page touched and
 * then used as GHCB or clock, a GHCB registered twice, an MMIO NAE after the #VC of an access.
 */
export const SEQUENCES: readonly (readonly (readonly [Step["op"], Aim])[])[] = Object.freeze([
  [
    ["access", "touch"],
    ["ghcb", "same"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "same"],
  ],
  [
    ["access", "touch"],
    ["wallclock", "same"],
  ],
  [
    ["access", "touch"],
    ["vmd-pvclock", "same"],
  ],
  [
    ["access", "touch"],
    ["ghcb", "same"],
    ["mmio-nae", "two-back"],
  ],
  [
    ["access", "touch"],
    ["mmio-nae", "same"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "last-32"],
  ],
  [
    ["access", "touch"],
    ["wallclock", "crossing"],
  ],
  [
    ["access", "touch"],
    ["access", "touch"],
    ["ghcb", "same"],
    ["mmio-nae", "three-back"],
  ],
  [
    ["access", "touch"],
    ["ghcb", "same"],
    ["access", "touch"],
    ["ghcb", "same"],
  ],
  [
    ["ghcb", "touch"],
    ["ghcb", "touch"],
  ],
  [
    ["ghcb-msr", "touch"],
    ["ghcb", "touch"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "same"],
    ["access", "touch"],
    ["pvclock", "same"],
  ],
]);

/** The plans of one sequence: each step's op fixed by its roll, "same" and "two-back" revisiting. */
function sequenceGen(options: GeneratorOptions, sequence: (typeof SEQUENCES)[number]): Gen<StepPlan[]> {
  return map(array(stepPlanGen(options), sequence.length, sequence.length), (plans) =>
    plans.map((p, i) => {
      const [op, aim] = sequence[i]!;
      if (aim === "touch") return { ...p, roll: rollOf(op) };
      // An aim inside a page keeps its offset: no alignment of the clock's address.
      const aligned = aim === "last-32" || aim === "crossing" ? false : p.aligned;
      return { ...p, roll: rollOf(op), target: AIMS[aim], aligned };
    }),
  );
}

/**
 * Steps: 1..maxSteps slots, each one random plan (12/13) or one of the sequences (1/13), cut at maxSteps. A
 * sequence is a slot of its own, so shrinking drops the other slots around it.
 */
export function stepPlansGen(options: GeneratorOptions): Gen<StepPlan[]> {
  const one = map(stepPlanGen(options), (p) => [p]);
  const fitting = SEQUENCES.filter((q) => q.length <= options.maxSteps);
  if (fitting.length === 0) return array(stepPlanGen(options), 1, options.maxSteps);
  const sequences = oneof(...fitting.map((q) => [1, sequenceGen(options, q)] as const));
  return map(array(oneof([12, one], [1, sequences]), 1, options.maxSteps), (slots) =>
    slots.flat().slice(0, options.maxSteps),
  );
}

function opOf(roll: number, sevEs: boolean): Step["op"] {
  const table = sevEs ? OP_TABLE.sevEs : OP_TABLE.other;
  for (const [op, below] of table) if (roll < below) return op;
  return "access";
}

/** What the steps of one scenario look up in its map, computed once. */
interface MapView {
  memory: readonly MemRange[];
  mmio: readonly MemRange[];
  /** The MMIO range if any, else the first range. */
  preferred: MemRange | undefined;
  gaps: readonly Gap[];
  top: bigint;
}

function mapView(memory: readonly MemRange[]): MapView {
  const mmio = memory.filter((r) => r.type === "mmio");
  return { memory, mmio, preferred: mmio[0] ?? memory[0], gaps: gapsOf(memory), top: topOf(memory) };
}

function inRangeGpa(t: TargetPlan, view: MapView, size: number): bigint {
  const { memory, mmio } = view;
  if (memory.length === 0) return BigInt(t.c);
  const r = t.a >= 16 && mmio.length > 0 ? mmio[(t.a - 16) % mmio.length]! : memory[t.a % memory.length]!;
  const end = r.gpa + r.size;
  switch (t.b) {
    case P_FIRST:
      return r.gpa;
    case P_LAST_BYTE:
      return r.size > 0n ? end - 1n : r.gpa;
    case P_END_MINUS_SIZE:
      return end - BigInt(size) >= r.gpa ? end - BigInt(size) : r.gpa;
    case P_MIDDLE:
      return r.gpa + pageOf(r.size >> 1n);
    case P_RANDOM:
      return r.size > 0n ? r.gpa + (((BigInt(t.c) << PAGE_SHIFT) | BigInt(t.c & 0xfff)) % r.size) : r.gpa;
    case P_AFTER_END:
      return end;
    case P_LAST_PAGE:
      return r.size >= PAGE_SIZE ? end - PAGE_SIZE : r.gpa;
    case P_SECOND_PAGE:
      return r.gpa + PAGE_SIZE;
    default:
      return r.gpa + BigInt(t.c & 0xfff);
  }
}

function outsideGpa(t: TargetPlan, view: MapView): bigint {
  const { gaps, top } = view;
  const gap = gaps.length > 0 ? gaps[t.b % gaps.length] : undefined;
  switch (t.a) {
    case O_GAP_FIRST:
      return gap ? gap.start : top;
    case O_GAP_LAST:
      return gap ? gap.end - 1n : top + PAGE_SIZE - 1n;
    case O_TOP:
      return top;
    case O_TOP_NEXT_PAGE:
      return pageOf(top) + PAGE_SIZE;
    case O_BELOW_MAX:
      return VMM_MAX_VM_MEM_SIZE - 1n;
    case O_MAX:
      return VMM_MAX_VM_MEM_SIZE;
    case O_BIT:
      return (1n << BigInt(t.b)) | BigInt(t.c);
    case O_RANGE_WITH_BIT:
      return (view.preferred?.gpa ?? 0n) | (1n << BigInt(t.b));
    case O_U64_MAX:
      return U64_MASK;
    default:
      return U64_MASK & ~PAGE_OFFSET_MASK;
  }
}

/** The address a target plan names in this map, given the addresses of the earlier steps. */
function targetGpa(t: TargetPlan, view: MapView, earlier: readonly bigint[], size: number): bigint {
  switch (t.mode) {
    case T_IN_RANGE:
      return inRangeGpa(t, view, size);
    case T_REVISIT: {
      const base = earlier[earlier.length - t.a] ?? view.preferred?.gpa ?? 0n;
      return t.b === 0 ? base : pageOf(base) | BigInt(t.c);
    }
    case T_OUTSIDE:
      return outsideGpa(t, view);
    default:
      return (BigInt(t.a) << 32n) | BigInt(t.c);
  }
}

/** The steps the plans make in this map for this guest and number of host CPUs. */
export function resolveSteps(
  plans: readonly StepPlan[],
  memory: readonly MemRange[],
  sevEs: boolean,
  cpuCount: number,
): Step[] {
  const steps: Step[] = [];
  const gpas: bigint[] = [];
  const view = mapView(memory);
  for (const p of plans) {
    let gpa = targetGpa(p.target, view, gpas, p.size) & U64_MASK;
    const op = opOf(p.roll, sevEs);
    let step: Step;
    switch (op) {
      case "access": {
        // The scenario format keeps an access inside one page.
        if ((gpa & PAGE_OFFSET_MASK) + BigInt(p.size) > PAGE_SIZE) gpa = pageOf(gpa) + PAGE_SIZE - BigInt(p.size);
        step = { op, gpa, kind: p.kind, size: p.size };
        if (p.walk) step.walk = true;
        break;
      }
      case "mmio-nae":
        step = { op, gpa, write: p.write, size: p.size };
        break;
      case "ghcb":
        if (p.aligned) gpa = pageOf(gpa);
        step = { op, gpa };
        if (p.guestWrite) step.guestWrite = true;
        break;
      case "pvclock":
      case "wallclock":
      case "vmd-pvclock":
        if (p.aligned) gpa &= ~0x1fn;
        step = { op, gpa };
        break;
      case "ghcb-msr":
        gpa = msrOf(p.msr);
        step = { op, gpa };
        break;
    }
    if (cpuCount > 1) step.cpu = p.cpu % cpuCount;
    steps.push(step);
    gpas.push(gpa);
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------------------
// Whole scenarios

export function guestKindGen(options: GeneratorOptions): Gen<GuestKind> {
  const weight: Record<GuestKind, number> = { "sev-es": 6, sev: 2, plain: 2 };
  const order: GuestKind[] = ["sev-es", "sev", "plain"];
  return pick(...order.filter((k) => options.guestKinds.includes(k)).map((k) => [weight[k], k] as const));
}

interface ScenarioPlan {
  cpus: Readonly<CpuFields>[];
  memEncrypt: boolean;
  decodeAssist: boolean;
  guest: GuestKind;
  memory: MemRange[];
  ram: number;
  /** host.pvEntries, or -1 for none (the pool never runs dry). */
  pvEntries: number;
  steps: StepPlan[];
}

/** A scenario from its plan. A memory map vmm refuses is marked `invalidMemory`. */
export function buildScenario(plan: ScenarioPlan): Scenario {
  const guest = guestOfKind(plan.guest);
  const scenario: Scenario = {
    host: {
      cpus: plan.cpus.map(cpuFromFields),
      memEncrypt: plan.memEncrypt,
      decodeAssist: plan.decodeAssist,
      ramBytes: ramBytesFor(plan.ram, plan.memory),
      ...(plan.pvEntries >= 0 ? { pvEntries: plan.pvEntries } : {}),
    },
    guest,
    memory: plan.memory,
    steps: resolveSteps(plan.steps, plan.memory, guest.sevEs, plan.cpus.length),
  };
  if (checkMemoryMap(scenario) !== null) scenario.invalidMemory = true;
  return scenario;
}

/** Whole scenarios. The order of the parts is the order the byte decoder reads them: CPUs, host, guest, memory, steps. */
export function scenarioGen(options: GeneratorOptions): Gen<Scenario> {
  return map(
    record<ScenarioPlan>({
      cpus: cpusFieldsGen(options),
      memEncrypt: pick([6, true], [1, false]),
      decodeAssist: pick([3, true], [1, false]),
      guest: guestKindGen(options),
      memory: memoryMapGen(options),
      ram: ramPlanGen,
      pvEntries: pvEntriesGen,
      steps: stepPlansGen(options),
    }),
    buildScenario,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The contract

/**
 * What every generated scenario promises beyond checkScenario (which it also passes): the option limits, the
 * `invalidMemory` flag exactly when the map breaks a rule (and only with `invalidMaps`), a `cpu` field exactly when
 * there are several CPUs, sizes 1..8, 32-bit CPUID registers, 64-bit addresses. The empty list when all hold.
 */
export function contractProblems(s: Scenario, options: GeneratorOptions): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);
  const problem = checkScenario(s);
  if (problem) fail(`${problem.path}: ${problem.rule}`);
  const mapProblem = checkMemoryMap(s);
  if (!!s.invalidMemory !== (mapProblem !== null)) fail("invalidMemory does not match the map's validity");
  if (s.invalidMemory && !options.invalidMaps) fail("invalid map without invalidMaps");
  const cpus = s.host.cpus;
  if (cpus.length < 1 || cpus.length > options.maxCpus) fail(`${cpus.length} CPUs`);
  if (s.steps.length < 1 || s.steps.length > options.maxSteps) fail(`${s.steps.length} steps`);
  if (s.memory.length > 64) fail(`${s.memory.length} ranges`);
  if (!options.guestKinds.includes(guestKind(s.guest))) fail(`guest kind ${guestKind(s.guest)}`);
  if (s.host.ramBytes > U64_MASK) fail("ramBytes above 64 bits");
  for (const [i, cpu] of cpus.entries()) {
    if (!cpu.cpuid.has(LEAF_EXT_MAX)) fail(`cpu ${i} has no leaf 0x80000000`);
    for (const regs of cpu.cpuid.values()) {
      for (const v of [regs.eax, regs.ebx, regs.ecx, regs.edx]) if (v !== v >>> 0) fail(`cpu ${i} register ${v}`);
    }
    if (options.profileOnly && profileOf(fieldsOfCpu(cpu)) === null) fail(`cpu ${i} is not a named profile`);
  }
  for (const r of s.memory) if (r.gpa < 0n || r.gpa > U64_MASK || r.size < 0n || r.size > U64_MASK) fail("range");
  for (const [i, step] of s.steps.entries()) {
    if (step.gpa < 0n || step.gpa > U64_MASK) fail(`step ${i} gpa`);
    if ((step.cpu !== undefined) !== cpus.length > 1) fail(`step ${i} cpu field with ${cpus.length} CPUs`);
    if (step.cpu !== undefined && !(Number.isInteger(step.cpu) && step.cpu >= 0 && step.cpu < cpus.length)) {
      fail(`step ${i} cpu ${step.cpu}`);
    }
    if ("size" in step && !(Number.isInteger(step.size) && step.size >= 1 && step.size <= 8)) {
      fail(`step ${i} size ${step.size}`);
    }
  }
  return problems;
}
