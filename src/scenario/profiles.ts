// Named real AMD CPU profiles, and the structured CPUID fields a host CPU is built from and decoded into.
import type { CpuidRegs, HostCpu } from "./types";

/** CPUID leaves a generated CPU carries (APM vol 3 Appendix E.4). */
export const LEAF_EXT_MAX = 0x80000000;
export const LEAF_ADDR_SIZES = 0x80000008;
export const LEAF_MEM_ENCRYPT = 0x8000001f;

export const AMD_VENDOR = "AuthenticAMD";

/**
 * The CPUID fields the vmm code paths read, one per register field. Every field covers its full bit width, so a
 * generator can reach every raw value; `cpuFromFields` packs them into registers and `fieldsOfCpu` unpacks them.
 */
export interface CpuFields {
  /** CPUID Fn0000_0000 vendor string. */
  vendor: string;
  /** Fn8000_0000 EAX: largest extended function (32 bits, unsigned). */
  maxExtLeaf: number;
  /** Fn8000_0008 EAX[7:0] PhysAddrSize. */
  physAddrSize: number;
  /** Fn8000_0008 EAX[15:8] LinAddrSize. */
  linAddrSize: number;
  /** Fn8000_0008 EAX[23:16] GuestPhysAddrSize (0: same as PhysAddrSize). */
  guestPhysAddrSize: number;
  /** Fn8000_0008 EAX[31:24] (reserved). */
  addrSizesHigh: number;
  /** Fn8000_001F EAX: encrypted-memory feature bits (see ENC_FEATURE). */
  encFeatures: number;
  /** Fn8000_001F EBX[5:0] CbitPosition. */
  cBit: number;
  /** Fn8000_001F EBX[11:6] PhysAddrReduction. */
  reduction: number;
  /** Fn8000_001F EBX[15:12] NumVMPL. */
  numVmpl: number;
  /** Fn8000_001F EBX[31:16] (reserved). */
  encEbxHigh: number;
  /** Fn8000_001F ECX: number of encrypted guests supported simultaneously. */
  ecx: number;
  /** Fn8000_001F EDX: minimum ASID for an SEV guest without SEV-ES. */
  edx: number;
}

/** Fn8000_001F EAX feature bits (APM vol 2 §15.34.1, §15.35.1; vol 3 Appendix E.4.17). */
export const ENC_FEATURE = Object.freeze({
  SME: 1 << 0,
  SEV: 1 << 1,
  PageFlushMsr: 1 << 2,
  SevEs: 1 << 3,
  SevSnp: 1 << 4,
  VMPL: 1 << 5,
  HwCacheCoherency: 1 << 10,
  Host64Bit: 1 << 11,
  VTE: 1 << 16,
});

type NumericField = Exclude<keyof CpuFields, "vendor">;

interface FieldLayout {
  field: NumericField;
  leaf: number;
  reg: keyof CpuidRegs;
  lo: number;
  width: number;
}

/** Where each field sits, as in the APM figures: leaf, register, lowest bit, width. */
export const FIELD_LAYOUT: readonly FieldLayout[] = Object.freeze([
  { field: "maxExtLeaf", leaf: LEAF_EXT_MAX, reg: "eax", lo: 0, width: 32 },
  { field: "physAddrSize", leaf: LEAF_ADDR_SIZES, reg: "eax", lo: 0, width: 8 },
  { field: "linAddrSize", leaf: LEAF_ADDR_SIZES, reg: "eax", lo: 8, width: 8 },
  { field: "guestPhysAddrSize", leaf: LEAF_ADDR_SIZES, reg: "eax", lo: 16, width: 8 },
  { field: "addrSizesHigh", leaf: LEAF_ADDR_SIZES, reg: "eax", lo: 24, width: 8 },
  { field: "encFeatures", leaf: LEAF_MEM_ENCRYPT, reg: "eax", lo: 0, width: 32 },
  { field: "cBit", leaf: LEAF_MEM_ENCRYPT, reg: "ebx", lo: 0, width: 6 },
  { field: "reduction", leaf: LEAF_MEM_ENCRYPT, reg: "ebx", lo: 6, width: 6 },
  { field: "numVmpl", leaf: LEAF_MEM_ENCRYPT, reg: "ebx", lo: 12, width: 4 },
  { field: "encEbxHigh", leaf: LEAF_MEM_ENCRYPT, reg: "ebx", lo: 16, width: 16 },
  { field: "ecx", leaf: LEAF_MEM_ENCRYPT, reg: "ecx", lo: 0, width: 32 },
  { field: "edx", leaf: LEAF_MEM_ENCRYPT, reg: "edx", lo: 0, width: 32 },
] as const);

/** The largest value of a field `width` bits wide. */
export function fieldMax(width: number): number {
  return width >= 32 ? 0xffffffff : (1 << width) - 1;
}

/**
 * The HostCpu with these fields. Leaf 0x80000000 is always present; 0x80000008 and 0x8000001F only when the maximum
 * extended leaf reaches them (the scenario format lets an unreadable leaf be absent). Throws on an out-of-range field.
 */
export function cpuFromFields(f: CpuFields): HostCpu {
  for (const { field, width } of FIELD_LAYOUT) {
    const value = f[field];
    if (!Number.isInteger(value) || value < 0 || value > fieldMax(width)) {
      throw new RangeError(`CPU field ${field} must be an integer in 0..${fieldMax(width)}, got ${value}`);
    }
  }
  return packCpu(f);
}

/** cpuFromFields for fields known to be in range (the generator's): the registers packed as FIELD_LAYOUT places them. */
export function packCpu(f: Readonly<CpuFields>): HostCpu {
  const cpuid = new Map<number, CpuidRegs>();
  const max = f.maxExtLeaf >>> 0;
  cpuid.set(LEAF_EXT_MAX, { eax: max, ebx: 0, ecx: 0, edx: 0 });
  if (LEAF_ADDR_SIZES <= max) {
    const eax = f.physAddrSize | (f.linAddrSize << 8) | (f.guestPhysAddrSize << 16) | (f.addrSizesHigh << 24);
    cpuid.set(LEAF_ADDR_SIZES, { eax: eax >>> 0, ebx: 0, ecx: 0, edx: 0 });
  }
  if (LEAF_MEM_ENCRYPT <= max) {
    const ebx = f.cBit | (f.reduction << 6) | (f.numVmpl << 12) | (f.encEbxHigh << 16);
    cpuid.set(LEAF_MEM_ENCRYPT, { eax: f.encFeatures >>> 0, ebx: ebx >>> 0, ecx: f.ecx >>> 0, edx: f.edx >>> 0 });
  }
  return { vendor: f.vendor, cpuid };
}

/** The fields of a HostCpu's leaves, read whether or not the maximum extended leaf reaches them (absent: 0). */
export function fieldsOfCpu(cpu: HostCpu): CpuFields {
  const f = { vendor: cpu.vendor } as CpuFields;
  for (const { field, leaf, reg, lo, width } of FIELD_LAYOUT) {
    const raw = cpu.cpuid.get(leaf)?.[reg] ?? 0;
    f[field] = width >= 32 ? raw >>> 0 : (raw >>> lo) & fieldMax(width);
  }
  return f;
}

/** One line in words: vendor, leaves, address sizes, C-bit, reduction, features. */
export function describeFields(f: CpuFields): string {
  const feats = Object.entries(ENC_FEATURE)
    .filter(([, bit]) => (f.encFeatures & bit) !== 0)
    .map(([name]) => name);
  return (
    `${f.vendor} max-ext 0x${(f.maxExtLeaf >>> 0).toString(16)} phys ${f.physAddrSize} C-bit ${f.cBit} ` +
    `reduction ${f.reduction} [${feats.join(",")}] guests ${f.ecx >>> 0} min-asid ${f.edx >>> 0}`
  );
}

export interface Profile {
  readonly cpu: HostCpu;
  readonly fields: Readonly<CpuFields>;
  /** Where the values come from. */
  readonly source: string;
  /** Values that are inferred rather than read from the source. */
  readonly note?: string;
}

function fields(f: CpuFields): Readonly<CpuFields> {
  return Object.freeze(f);
}

/** The Fn8000_001F EAX of an SNP-capable EPYC: SME, SEV, PageFlushMsr, SEV-ES, SEV-SNP, VMPL, VTE. */
const EPYC_SNP_FEATURES =
  ENC_FEATURE.SME |
  ENC_FEATURE.SEV |
  ENC_FEATURE.PageFlushMsr |
  ENC_FEATURE.SevEs |
  ENC_FEATURE.SevSnp |
  ENC_FEATURE.VMPL |
  ENC_FEATURE.VTE;

/** EPYC 9004 (Genoa) values, from the EPYC 9654 dump; the patch author's EPYC 9124 shares them (see its note). */
const GENOA_9004: CpuFields = {
  vendor: AMD_VENDOR,
  maxExtLeaf: 0x80000026,
  physAddrSize: 52,
  linAddrSize: 57,
  guestPhysAddrSize: 0,
  addrSizesHigh: 0,
  encFeatures: EPYC_SNP_FEATURES,
  cBit: 51,
  reduction: 6,
  numVmpl: 4,
  encEbxHigh: 0,
  ecx: 1006,
  edx: 1,
};

const PROFILE_FIELDS = {
  // Ryzen 5 1600X (Zen 1 Summit Ridge) cpuid dump in kernel bugzilla 206795: PhysAddrSize 48, C-bit 47,
  // PhysAddrReduction 5, ECX 15 encrypted guests, EDX 0, SEV-ES false. EPYC 7001 Naples is the same die.
  "zen1-naples": fields({
    vendor: AMD_VENDOR,
    maxExtLeaf: 0x8000001f,
    physAddrSize: 48,
    linAddrSize: 48,
    guestPhysAddrSize: 0,
    addrSizesHigh: 0,
    encFeatures: ENC_FEATURE.SME | ENC_FEATURE.SEV | ENC_FEATURE.PageFlushMsr,
    cBit: 47,
    reduction: 5,
    numVmpl: 0,
    encEbxHigh: 0,
    ecx: 15,
    edx: 0,
  }),
  // Ryzen 5 3600X (Zen 2 Matisse) raw leaves, gz/rust-cpuid src/tests/ryzen_matisse.rs @6bd79696:
  // 80000000 EAX 0x80000020; 80000008 EAX 0x00003030; 8000001F EAX 0x0001000f EBX 0x0000016f ECX 0x1fd EDX 1.
  // EPYC 7002 Rome is the same Zen 2 core.
  "zen2-rome": fields({
    vendor: AMD_VENDOR,
    maxExtLeaf: 0x80000020,
    physAddrSize: 48,
    linAddrSize: 48,
    guestPhysAddrSize: 0,
    addrSizesHigh: 0,
    encFeatures: 0x0001000f,
    cBit: 47,
    reduction: 5,
    numVmpl: 0,
    encEbxHigh: 0,
    ecx: 0x1fd,
    edx: 1,
  }),
  // EPYC 7003 Milan, `cpuid -l 0x8000001F` dump in a public blog post: C-bit 0x33 (51), reduction 5, 4 VMPLs,
  // 509 encrypted guests, minimum non-ES ASID 0x80 (a BIOS setting); PhysAddrSize 48.
  milan: fields({
    vendor: AMD_VENDOR,
    maxExtLeaf: 0x80000023,
    physAddrSize: 48,
    linAddrSize: 48,
    guestPhysAddrSize: 0,
    addrSizesHigh: 0,
    encFeatures: EPYC_SNP_FEATURES,
    cBit: 51,
    reduction: 5,
    numVmpl: 4,
    encEbxHigh: 0,
    ecx: 509,
    edx: 128,
  }),
  // EPYC 9654 Genoa, a public dump: "52 bits physical, 57 bits virtual", C-bit 51, reduction 6, 1006 encrypted
  // guests, EDX 1.
  genoa: fields({ ...GENOA_9004 }),
  // EPYC 9124 Genoa, the machine the patch was written on (tech@ thread, Nov 2025: physical address space
  // "reduced from 52 to 46"): PhysAddrSize 52, C-bit 51, reduction 6.
  "epyc-9124": fields({ ...GENOA_9004 }),
  // The view of an SEV-ES guest under QEMU/KVM: QEMU target/i386/cpu.c cpu_x86_cpuid, case 0x8000001F:
  // EAX = SEV (0x2) | SEV-ES (0x8), EBX = cbitpos | reduced-phys-bits << 6, ECX = EDX = 0; QEMU raises the
  // extended level to 0x8000001F for SEV. libvirt examples: <cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits>.
  "qemu-sev-guest": fields({
    vendor: AMD_VENDOR,
    maxExtLeaf: 0x8000001f,
    physAddrSize: 48,
    linAddrSize: 48,
    guestPhysAddrSize: 0,
    addrSizesHigh: 0,
    encFeatures: ENC_FEATURE.SEV | ENC_FEATURE.SevEs,
    cBit: 47,
    reduction: 1,
    numVmpl: 0,
    encEbxHigh: 0,
    ecx: 0,
    edx: 0,
  }),
} as const;

export type ProfileName = keyof typeof PROFILE_FIELDS;

const SOURCES: Record<ProfileName, { source: string; note?: string }> = {
  "zen1-naples": {
    source: "Ryzen 5 1600X cpuid dump, kernel bugzilla 206795 (Zen 1, same die as EPYC 7001 Naples)",
    note: "max extended leaf 0x8000001F and EAX = SME|SEV|PageFlushMsr (no SEV-ES) inferred; LinAddrSize 48 assumed",
  },
  "zen2-rome": {
    source: "gz/rust-cpuid src/tests/ryzen_matisse.rs @6bd79696 (Ryzen 5 3600X, Zen 2 Matisse; Rome is the same core)",
  },
  milan: {
    source: "EPYC 7003 Milan `cpuid -l 0x8000001F` dump (public blog): C-bit 51, reduction 5, VMPL 4, 509 guests",
    note: "PhysAddrSize 48 and max extended leaf 0x80000023 assumed; EAX bits beyond SNP/VMPL/VTE not in the source",
  },
  genoa: {
    source: "EPYC 9654 Genoa public dump: 52 bits physical, 57 virtual, C-bit 51, reduction 6, 1006 guests, EDX 1",
    note: "max extended leaf 0x80000026 and EAX bits beyond SNP/VMPL/VTE assumed",
  },
  "epyc-9124": {
    source: "EPYC 9124 Genoa, the patch author's machine (tech@ thread, Nov 2025: reduced from 52 to 46)",
    note: "ECX/EDX/EAX not in the source; Genoa (EPYC 9654) values assumed",
  },
  "qemu-sev-guest": {
    source: "QEMU target/i386/cpu.c cpu_x86_cpuid case 0x8000001F; libvirt cbitpos 47, reducedPhysBits 1",
    note: "guest view, not a host: SME is not reported, so memory encryption never turns on from it",
  },
};

function profile(name: ProfileName): Profile {
  const f = PROFILE_FIELDS[name];
  return Object.freeze({ cpu: cpuFromFields(f), fields: f, ...SOURCES[name] });
}

/** The named profiles. Their `cpu` objects are shared: use `profileCpu(name)` for one to modify. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = Object.freeze({
  "zen1-naples": profile("zen1-naples"),
  "zen2-rome": profile("zen2-rome"),
  milan: profile("milan"),
  genoa: profile("genoa"),
  "epyc-9124": profile("epyc-9124"),
  "qemu-sev-guest": profile("qemu-sev-guest"),
});

export function profileNames(): ProfileName[] {
  return Object.keys(PROFILES) as ProfileName[];
}

export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}

/** A fresh HostCpu of a named profile. */
export function profileCpu(name: ProfileName): HostCpu {
  return cpuFromFields(PROFILES[name].fields);
}

/** The name of the profile whose fields equal `f` exactly, or null. */
export function profileOf(f: CpuFields): ProfileName | null {
  for (const name of profileNames()) {
    const p = PROFILES[name].fields;
    if (p.vendor === f.vendor && FIELD_LAYOUT.every(({ field }) => p[field] === f[field])) return name;
  }
  return null;
}

/**
 * One real AMD part of the catalog: its CPUID fields exactly as a public source shows them. The reach of a finding
 * is computed by running its scenario on each of these.
 */
export interface CatalogEntry {
  readonly name: string;
  /** Microarchitecture and product line, in words. */
  readonly generation: string;
  readonly fields: Readonly<CpuFields>;
  readonly cpu: HostCpu;
  readonly source: string;
  readonly note?: string;
}

function catalogEntry(name: string, generation: string, f: CpuFields, source: string, note?: string): CatalogEntry {
  return Object.freeze({ name, generation, fields: Object.freeze(f), cpu: cpuFromFields(f), source, note });
}

// Zen 3 Vermeer, Ryzen 9 5950X: raw leaves in a CPUID dump on the Linux stable list (thread "x86/amd_node: fix
// integer divide by zero during init", Dec 2025): 80000000 EAX 0x80000023; 80000008 EAX 0x00003030;
// 8000001F EAX 0x0001780f EBX 0x00000173 ECX 0x000001fd EDX 0x00000001.
const ZEN3_VERMEER: CpuFields = {
  vendor: AMD_VENDOR,
  maxExtLeaf: 0x80000023,
  physAddrSize: 48,
  linAddrSize: 48,
  guestPhysAddrSize: 0,
  addrSizesHigh: 0,
  encFeatures: 0x0001780f,
  cBit: 51,
  reduction: 5,
  numVmpl: 0,
  encEbxHigh: 0,
  ecx: 0x1fd,
  edx: 1,
};

/**
 * The catalog of real AMD host CPUs, one entry per SEV-capable part whose Fn8000_0008 and Fn8000_001F values have
 * a public source, newest first (the patch author's host first). Not in it, for want of a public dump of those two leaves: EPYC 97x4 Bergamo and 8004 Siena
 * (Zen 4c), EPYC 9005 Turin (Zen 5). The QEMU guest view is not a host and is not in it either.
 */
export const CATALOG: readonly CatalogEntry[] = Object.freeze([
  catalogEntry(
    "epyc-9124",
    "Zen 4 (EPYC 9124 Genoa, the patch author's host)",
    { ...PROFILES["epyc-9124"].fields },
    SOURCES["epyc-9124"].source,
    SOURCES["epyc-9124"].note,
  ),
  catalogEntry(
    "genoa",
    "Zen 4 (EPYC 9004 Genoa)",
    { ...PROFILES.genoa.fields },
    SOURCES.genoa.source,
    SOURCES.genoa.note,
  ),
  catalogEntry(
    "milan",
    "Zen 3 (EPYC 7003 Milan)",
    { ...PROFILES.milan.fields },
    SOURCES.milan.source,
    SOURCES.milan.note,
  ),
  catalogEntry(
    "zen3-vermeer",
    "Zen 3 (Ryzen 5000 Vermeer; the core of EPYC 7003 Milan)",
    ZEN3_VERMEER,
    'Ryzen 9 5950X CPUID dump, Linux stable list, Dec 2025 ("x86/amd_node: fix integer divide by zero during init")',
    "dumped in a Xen dom0, which passes these two leaves through unchanged as far as the dump shows",
  ),
  catalogEntry("zen2-rome", "Zen 2 (EPYC 7002 Rome)", { ...PROFILES["zen2-rome"].fields }, SOURCES["zen2-rome"].source),
  catalogEntry(
    "zen1-naples",
    "Zen 1 (EPYC 7001 Naples)",
    { ...PROFILES["zen1-naples"].fields },
    SOURCES["zen1-naples"].source,
    SOURCES["zen1-naples"].note,
  ),
]);

export function catalogEntryNamed(name: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.name === name);
}
