// The host CPUs of a scenario: a real profile, or a profile with some CPUID fields changed. A field's change is a
// tagged value: kept, set outright, a bit flipped, or a relation to other fields, resolved in the order
// PhysAddrSize -> PhysAddrReduction -> C-bit (so "the C-bit at the low edge of the reduction window" means the
// window of the new values).
import { among, array, constant, int, map, oneof, record, tuple, type Gen } from "../gen";
import { AMD_VENDOR, ENC_FEATURE, PROFILES, packCpu, type CpuFields, type ProfileName } from "../profiles";
import type { HostCpu } from "../types";
import { drawAmong, drawInt, drawLength, drawOption, weights, type Random, type Weights } from "./draw";
import type { GeneratorOptions } from "./options";

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

export const VENDORS: readonly string[] = Object.freeze([
  AMD_VENDOR,
  "HygonGenuine",
  "GenuineIntel",
  "AMDisbetter!",
  "",
]);

/** Relations a changed field can take to the fields resolved before it. */
export const RELATIONS = Object.freeze({
  /** PhysAddrReduction, relative to PhysAddrSize. */
  reduction: ["equal-to-phys", "phys-plus-1", "phys-minus-1", "leaves-page-bits"] as const,
  /** The C-bit, relative to PhysAddrSize and the reduction window [phys - reduction, phys). */
  cBit: ["at-phys", "top-address-bit", "window-low", "below-window", "inside-window", "above-phys"] as const,
});
export type Relation = (typeof RELATIONS)[keyof typeof RELATIONS][number];

/** How one field of a changed CPU is drawn. */
export type FieldPick<T = number> =
  | { readonly kind: "keep" }
  | { readonly kind: "set"; readonly value: T }
  /** The base value with one bit flipped (encFeatures). */
  | { readonly kind: "flip"; readonly bit: number }
  | { readonly kind: "relative"; readonly relation: Relation };

const KEEP: FieldPick<never> = Object.freeze({ kind: "keep" });

/** The numeric fields a changed CPU draws, in the order it draws them. */
export const PICKED_FIELDS = [
  "maxExtLeaf",
  "physAddrSize",
  "linAddrSize",
  "guestPhysAddrSize",
  "addrSizesHigh",
  "encFeatures",
  "reduction",
  "cBit",
  "numVmpl",
  "encEbxHigh",
  "ecx",
  "edx",
] as const;
type PickedField = (typeof PICKED_FIELDS)[number];

export type CpuPicks = { vendor: FieldPick<string> } & { [F in PickedField]: FieldPick };

/** One way a field changes, with its weight. */
type Change =
  | { readonly weight: number; readonly kind: "among"; readonly values: readonly number[] }
  | { readonly weight: number; readonly kind: "range"; readonly min: number; readonly max: number }
  | { readonly weight: number; readonly kind: "flip"; readonly bits: number }
  | { readonly weight: number; readonly kind: "relative"; readonly relations: readonly Relation[] };

interface FieldSpec {
  /** The weight of keeping the base value, in units of the caller's keep weight. */
  readonly keep: number;
  readonly changes: readonly Change[];
}

const boundaries = (weight: number, values: readonly number[]): Change => ({ weight, kind: "among", values });
const range = (weight: number, min: number, max: number): Change => ({ weight, kind: "range", min, max });
const U32 = 0xffffffff;

/** Each field's changes: boundaries vmm's arithmetic turns on, then any value of the field's width. */
const FIELD_SPECS: Readonly<Record<PickedField, FieldSpec>> = Object.freeze({
  maxExtLeaf: {
    keep: 1,
    changes: [
      boundaries(
        3,
        [
          0x8000001f, 0x8000001e, 0x80000020, 0x80000008, 0x80000007, 0x80000009, 0x80000000, 0x80000001, 0xffffffff, 0,
          0x7fffffff, 0x8000ffff,
        ],
      ),
      range(1, 0x80000000, 0x8000003f),
      range(1, 0, U32),
    ],
  },
  physAddrSize: {
    keep: 1,
    changes: [
      boundaries(
        3,
        [48, 52, 0, 1, 11, 12, 13, 32, 36, 39, 40, 43, 45, 46, 47, 49, 51, 53, 57, 63, 64, 65, 127, 128, 254, 255],
      ),
      range(2, 0, 255),
    ],
  },
  linAddrSize: { keep: 2, changes: [boundaries(1, [48, 57, 0, 255]), range(1, 0, 255)] },
  guestPhysAddrSize: { keep: 2, changes: [boundaries(1, [0, 48, 52, 40]), range(1, 0, 255)] },
  addrSizesHigh: { keep: 3, changes: [range(1, 0, 255)] },
  encFeatures: {
    keep: 1,
    changes: [
      boundaries(3, [
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
      ]),
      { weight: 2, kind: "flip", bits: 32 },
      range(1, 0, U32),
    ],
  },
  reduction: {
    keep: 1,
    changes: [
      boundaries(3, [5, 6, 0, 1, 2, 4, 7, 12, 16, 31, 32, 36, 40, 46, 47, 48, 51, 52, 63]),
      { weight: 2, kind: "relative", relations: RELATIONS.reduction },
      range(2, 0, 63),
    ],
  },
  cBit: {
    keep: 1,
    changes: [
      boundaries(3, [47, 51, 0, 1, 11, 12, 31, 32, 39, 42, 43, 45, 46, 48, 50, 52, 53, 62, 63]),
      { weight: 3, kind: "relative", relations: RELATIONS.cBit },
      range(2, 0, 63),
    ],
  },
  numVmpl: { keep: 2, changes: [range(1, 0, 15)] },
  encEbxHigh: { keep: 3, changes: [range(1, 0, 0xffff)] },
  ecx: {
    keep: 1,
    changes: [boundaries(2, [509, 1006, 15, 0, 1, 0x7fffffff, 0x80000000, 0xffffffff]), range(1, 0, U32)],
  },
  edx: { keep: 1, changes: [boundaries(2, [1, 0, 2, 128, 509, 510, 1006, 1007, 0xffffffff]), range(1, 0, U32)] },
});
/** The vendor: kept (twice the keep weight), or any other in VENDORS. */
const VENDOR_KEEP = 2;

/** Keep weights: a changed CPU keeps each field often; a CPU that differs from the boot CPU keeps most. */
const KEEP_CHANGED = 6;
const KEEP_VARIED = 24;

function mod(x: number, m: number): number {
  return ((x % m) + m) % m;
}

/** A field's value under a relation, given the new PhysAddrSize and PhysAddrReduction. */
export function relativeValue(relation: Relation, phys: number, red: number): number {
  switch (relation) {
    case "equal-to-phys":
      return mod(phys, 64);
    case "phys-plus-1":
      return mod(phys + 1, 64);
    case "phys-minus-1":
      return mod(phys - 1, 64);
    case "leaves-page-bits":
      return mod(phys - 12, 64);
    case "at-phys":
      return mod(phys, 64);
    case "top-address-bit":
      return mod(phys - 1, 64);
    case "window-low":
      return mod(phys - red, 64);
    case "below-window":
      return mod(phys - red - 1, 64);
    case "inside-window":
      return mod(phys - red + (red >> 1), 64);
    case "above-phys":
      return mod(phys + 1, 64);
  }
}

/** A field's value under its pick. */
function pickedValue(p: FieldPick, base: number, phys: number, red: number): number {
  switch (p.kind) {
    case "keep":
      return base;
    case "set":
      return p.value;
    case "flip":
      return (base ^ (1 << p.bit)) >>> 0;
    case "relative":
      return relativeValue(p.relation, phys, red);
  }
}

/** The fields of `base` with the picks applied. */
export function applyPicks(base: Readonly<CpuFields>, p: CpuPicks): CpuFields {
  const physAddrSize = pickedValue(p.physAddrSize, base.physAddrSize, 0, 0);
  const reduction = pickedValue(p.reduction, base.reduction, physAddrSize, 0);
  const value = (f: PickedField) => pickedValue(p[f], base[f], physAddrSize, reduction);
  return {
    vendor: p.vendor.kind === "set" ? p.vendor.value : base.vendor,
    maxExtLeaf: value("maxExtLeaf"),
    physAddrSize,
    linAddrSize: value("linAddrSize"),
    guestPhysAddrSize: value("guestPhysAddrSize"),
    addrSizesHigh: value("addrSizesHigh"),
    encFeatures: value("encFeatures"),
    cBit: value("cBit"),
    reduction,
    numVmpl: value("numVmpl"),
    encEbxHigh: value("encEbxHigh"),
    ecx: value("ecx"),
    edx: value("edx"),
  };
}

function changeGen(c: Change): Gen<FieldPick> {
  switch (c.kind) {
    case "among":
      return map(among(c.values), (value) => ({ kind: "set", value }));
    case "range":
      return map(int(c.min, c.max), (value) => ({ kind: "set", value }));
    case "flip":
      return map(int(0, c.bits - 1), (bit) => ({ kind: "flip", bit }));
    case "relative":
      return map(among(c.relations), (relation) => ({ kind: "relative", relation }));
  }
}

function picksGen(keep: number): Gen<CpuPicks> {
  const k = constant<FieldPick>(KEEP);
  const shape: Record<string, Gen<FieldPick<unknown>>> = {
    vendor: oneof<FieldPick<string>>(
      [keep * VENDOR_KEEP, k as Gen<FieldPick<string>>],
      [1, map(int(1, VENDORS.length - 1), (i) => ({ kind: "set", value: VENDORS[i]! }))],
    ),
  };
  for (const f of PICKED_FIELDS) {
    const spec = FIELD_SPECS[f];
    shape[f] = oneof([keep * spec.keep, k], ...spec.changes.map((c) => [c.weight, changeGen(c)] as const));
  }
  return record(shape as { [K in keyof CpuPicks]: Gen<CpuPicks[K]> });
}

/** The picks of a changed CPU. */
export const cpuPicksGen: Gen<CpuPicks> = picksGen(KEEP_CHANGED);

/** An exact named profile. */
export const profileFieldsGen: Gen<Readonly<CpuFields>> = oneof(
  ...PROFILE_ORDER.map((name, i) => [PROFILE_WEIGHTS[i]!, constant(PROFILES[name].fields)] as const),
);

/** One host CPU's fields: a real profile (3/8) or a profile with fields changed (5/8). */
export function cpuFieldsGen(options: GeneratorOptions): Gen<Readonly<CpuFields>> {
  if (options.profileOnly) return profileFieldsGen;
  const changed = map(tuple(profileFieldsGen, picksGen(KEEP_CHANGED)), ([base, picks]) => applyPicks(base, picks));
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
  const varied = map(tuple(one, array(picksGen(KEEP_VARIED), 1, n - 1)), ([boot, picks]) => [
    boot,
    ...picks.map((p) => applyPicks(boot, p)),
  ]);
  const independent = array(one, 2, n);
  return oneof([5, single], [3, copies], [options.profileOnly ? 0 : 2, varied], [1, independent]);
}

// ---------------------------------------------------------------------------------------------------------------
// The same, drawn straight from a PRNG (the sampler's reading): values, no picks.

const PROFILE_CUM = weights(...PROFILE_WEIGHTS);
const CPU_KIND_CUM = weights(3, 5);
const CPUS_CUM = weights(5, 3, 2, 1);
const CPUS_PROFILE_ONLY_CUM = weights(5, 3, 1);

type FieldCums = Readonly<Record<PickedField | "vendor", Weights>>;

/** Per keep weight: each field's cumulative option weights (keep first, then its changes). */
function fieldCums(keep: number): FieldCums {
  const cums = { vendor: weights(keep * VENDOR_KEEP, 1) } as Record<PickedField | "vendor", Weights>;
  for (const f of PICKED_FIELDS) {
    cums[f] = weights(keep * FIELD_SPECS[f].keep, ...FIELD_SPECS[f].changes.map((c) => c.weight));
  }
  return cums;
}
const CUMS_CHANGED = fieldCums(KEEP_CHANGED);
const CUMS_VARIED = fieldCums(KEEP_VARIED);
/** Each field's changes, by field name alone (one lookup fewer per field drawn). */
const FIELD_CHANGES = Object.fromEntries(PICKED_FIELDS.map((f) => [f, FIELD_SPECS[f].changes])) as Record<
  PickedField,
  readonly Change[]
>;

/** The profiles' fields in PROFILE_ORDER: an index, no lookup by name. */
const PROFILE_FIELDS_IN_ORDER = PROFILE_ORDER.map((name) => PROFILES[name].fields);

function drawProfileFields(random: Random): Readonly<CpuFields> {
  return PROFILE_FIELDS_IN_ORDER[drawOption(random, PROFILE_CUM)]!;
}

/** One field: its base value (option 0) or one of its changes, drawn. */
function drawField(random: Random, cum: Weights, changes: readonly Change[], base: number, phys = 0, red = 0): number {
  const option = drawOption(random, cum);
  if (option === 0) return base;
  const c = changes[option - 1]!;
  switch (c.kind) {
    case "among":
      return drawAmong(random, c.values);
    case "range":
      return drawInt(random, c.min, c.max);
    case "flip":
      return (base ^ (1 << drawInt(random, 0, c.bits - 1))) >>> 0;
    case "relative":
      return relativeValue(drawAmong(random, c.relations), phys, red);
  }
}

/** applyPicks(base, picks drawn with these weights), without the picks. */
function drawChanged(random: Random, base: Readonly<CpuFields>, cums: FieldCums): CpuFields {
  const vendor = drawOption(random, cums.vendor) === 0 ? base.vendor : VENDORS[drawInt(random, 1, VENDORS.length - 1)]!;
  const maxExtLeaf = drawField(random, cums.maxExtLeaf, FIELD_CHANGES.maxExtLeaf, base.maxExtLeaf);
  const physAddrSize = drawField(random, cums.physAddrSize, FIELD_CHANGES.physAddrSize, base.physAddrSize);
  const linAddrSize = drawField(random, cums.linAddrSize, FIELD_CHANGES.linAddrSize, base.linAddrSize);
  const guestPhysAddrSize = drawField(
    random,
    cums.guestPhysAddrSize,
    FIELD_CHANGES.guestPhysAddrSize,
    base.guestPhysAddrSize,
  );
  const addrSizesHigh = drawField(random, cums.addrSizesHigh, FIELD_CHANGES.addrSizesHigh, base.addrSizesHigh);
  const encFeatures = drawField(random, cums.encFeatures, FIELD_CHANGES.encFeatures, base.encFeatures);
  const reduction = drawField(random, cums.reduction, FIELD_CHANGES.reduction, base.reduction, physAddrSize);
  const cBit = drawField(random, cums.cBit, FIELD_CHANGES.cBit, base.cBit, physAddrSize, reduction);
  return {
    vendor,
    maxExtLeaf,
    physAddrSize,
    linAddrSize,
    guestPhysAddrSize,
    addrSizesHigh,
    encFeatures,
    cBit,
    reduction,
    numVmpl: drawField(random, cums.numVmpl, FIELD_CHANGES.numVmpl, base.numVmpl),
    encEbxHigh: drawField(random, cums.encEbxHigh, FIELD_CHANGES.encEbxHigh, base.encEbxHigh),
    ecx: drawField(random, cums.ecx, FIELD_CHANGES.ecx, base.ecx),
    edx: drawField(random, cums.edx, FIELD_CHANGES.edx, base.edx),
  };
}

/** cpuFieldsGen, drawn. */
export function drawCpuFields(random: Random, options: GeneratorOptions): Readonly<CpuFields> {
  if (options.profileOnly || drawOption(random, CPU_KIND_CUM) === 0) return drawProfileFields(random);
  return drawChanged(random, drawProfileFields(random), CUMS_CHANGED);
}

/** cpusFieldsGen, drawn, as the scenario's host CPUs (each a fresh HostCpu). */
export function drawCpus(random: Random, options: GeneratorOptions): HostCpu[] {
  const n = options.maxCpus;
  if (n === 1) return [packCpu(drawCpuFields(random, options))];
  const shape = options.profileOnly
    ? [0, 1, 3][drawOption(random, CPUS_PROFILE_ONLY_CUM)]!
    : drawOption(random, CPUS_CUM);
  switch (shape) {
    case 0:
      return [packCpu(drawCpuFields(random, options))];
    case 1: {
      const f = drawCpuFields(random, options);
      const count = drawInt(random, 2, n);
      const cpus = new Array<HostCpu>(count);
      for (let i = 0; i < count; i++) cpus[i] = packCpu(f);
      return cpus;
    }
    case 2: {
      const boot = drawCpuFields(random, options);
      const others = drawLength(random, 1, n - 1);
      const cpus = [packCpu(boot)];
      for (let i = 0; i < others; i++) cpus.push(packCpu(drawChanged(random, boot, CUMS_VARIED)));
      return cpus;
    }
    default: {
      const count = drawLength(random, 2, n);
      const cpus = new Array<HostCpu>(count);
      for (let i = 0; i < count; i++) cpus[i] = packCpu(drawCpuFields(random, options));
      return cpus;
    }
  }
}
