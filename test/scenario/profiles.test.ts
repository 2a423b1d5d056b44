import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { hardwareOf } from "../../src/cpu/hardware";
import {
  ENC_FEATURE,
  FIELD_LAYOUT,
  LEAF_ADDR_SIZES,
  LEAF_EXT_MAX,
  LEAF_MEM_ENCRYPT,
  PROFILES,
  cpuFromFields,
  describeFields,
  fieldMax,
  fieldsOfCpu,
  isProfileName,
  profileCpu,
  profileNames,
  profileOf,
  type CpuFields,
  type ProfileName,
} from "../../src/scenario/profiles";

/** The values each profile's source comment states. */
const DOCUMENTED: Record<
  ProfileName,
  { phys: number; cBit: number; reduction: number; ecx: number; edx: number; sev: boolean; sevEs: boolean }
> = {
  "zen1-naples": { phys: 48, cBit: 47, reduction: 5, ecx: 15, edx: 0, sev: true, sevEs: false },
  "zen2-rome": { phys: 48, cBit: 47, reduction: 5, ecx: 509, edx: 1, sev: true, sevEs: true },
  milan: { phys: 48, cBit: 51, reduction: 5, ecx: 509, edx: 128, sev: true, sevEs: true },
  genoa: { phys: 52, cBit: 51, reduction: 6, ecx: 1006, edx: 1, sev: true, sevEs: true },
  "epyc-9124": { phys: 52, cBit: 51, reduction: 6, ecx: 1006, edx: 1, sev: true, sevEs: true },
  "qemu-sev-guest": { phys: 48, cBit: 47, reduction: 1, ecx: 0, edx: 0, sev: true, sevEs: true },
};

/** Any fields, every one over its full bit width. */
const anyFields: fc.Arbitrary<CpuFields> = fc.record({
  vendor: fc.constantFrom("AuthenticAMD", "HygonGenuine", "GenuineIntel", ""),
  ...Object.fromEntries(FIELD_LAYOUT.map(({ field, width }) => [field, fc.integer({ min: 0, max: fieldMax(width) })])),
}) as fc.Arbitrary<CpuFields>;

describe("profiles", () => {
  it("lists the six named profiles, each with a source", () => {
    expect(profileNames()).toEqual(["zen1-naples", "zen2-rome", "milan", "genoa", "epyc-9124", "qemu-sev-guest"]);
    for (const name of profileNames()) {
      expect(PROFILES[name].source.length).toBeGreaterThan(10);
      expect(isProfileName(name)).toBe(true);
    }
    expect(isProfileName("zen9")).toBe(false);
  });

  it.each(profileNames())("%s decodes to the values of its source", (name) => {
    const doc = DOCUMENTED[name];
    const cpu = PROFILES[name].cpu;
    const f = fieldsOfCpu(cpu);
    expect(cpu.vendor).toBe("AuthenticAMD");
    expect(f.maxExtLeaf).toBeGreaterThanOrEqual(LEAF_MEM_ENCRYPT);
    expect(f.physAddrSize).toBe(doc.phys);
    expect(f.cBit).toBe(doc.cBit);
    expect(f.reduction).toBe(doc.reduction);
    expect(f.ecx).toBe(doc.ecx);
    expect(f.edx).toBe(doc.edx);
    expect((f.encFeatures & ENC_FEATURE.SEV) !== 0).toBe(doc.sev);
    expect((f.encFeatures & ENC_FEATURE.SevEs) !== 0).toBe(doc.sevEs);
    expect(f).toEqual(PROFILES[name].fields);
  });

  it("holds the raw Matisse leaves of rust-cpuid's ryzen_matisse.rs for zen2-rome", () => {
    const cpuid = PROFILES["zen2-rome"].cpu.cpuid;
    expect(cpuid.get(LEAF_EXT_MAX)).toEqual({ eax: 0x80000020, ebx: 0, ecx: 0, edx: 0 });
    expect(cpuid.get(LEAF_ADDR_SIZES)).toEqual({ eax: 0x00003030, ebx: 0, ecx: 0, edx: 0 });
    expect(cpuid.get(LEAF_MEM_ENCRYPT)).toEqual({ eax: 0x0001000f, ebx: 0x0000016f, ecx: 0x1fd, edx: 1 });
  });

  it("packs Genoa's 52/57-bit address sizes and C-bit 51, reduction 6, 4 VMPLs into the raw registers", () => {
    const cpuid = PROFILES.genoa.cpu.cpuid;
    expect(cpuid.get(LEAF_ADDR_SIZES)!.eax).toBe(0x00003934);
    expect(cpuid.get(LEAF_MEM_ENCRYPT)!.ebx).toBe(51 | (6 << 6) | (4 << 12));
  });

  it("gives the machine the patch author's reduced address size for epyc-9124 (52 reduced to 46)", () => {
    const hw = hardwareOf(PROFILES["epyc-9124"].cpu, true, 64n << 30n);
    expect(hw.physAddrSize - hw.reduction).toBe(46);
    expect(hw.cBit).toBe(51);
    expect(hw.sevEs).toBe(true);
  });

  it("never turns memory encryption on from the QEMU guest view (no SME bit)", () => {
    expect(hardwareOf(PROFILES["qemu-sev-guest"].cpu, true, 64n << 30n).encryptionActive).toBe(false);
  });

  it("gives a fresh, equal CPU from profileCpu and recognizes every profile's fields", () => {
    for (const name of profileNames()) {
      const cpu = profileCpu(name);
      expect(cpu).toEqual(PROFILES[name].cpu);
      expect(cpu.cpuid).not.toBe(PROFILES[name].cpu.cpuid);
      expect(profileOf(fieldsOfCpu(cpu))).toBe(name === "epyc-9124" ? "genoa" : name);
    }
    expect(profileOf({ ...PROFILES.genoa.fields, cBit: 50 })).toBeNull();
  });

  it("describes fields in one line", () => {
    expect(describeFields(PROFILES["epyc-9124"].fields)).toBe(
      "AuthenticAMD max-ext 0x80000026 phys 52 C-bit 51 reduction 6 [SME,SEV,PageFlushMsr,SevEs,SevSnp,VMPL,VTE] guests 1006 min-asid 1",
    );
  });
});

describe("cpuFromFields / fieldsOfCpu", () => {
  it("round-trips every field value when the maximum extended leaf reaches 0x8000001F", () => {
    fc.assert(
      fc.property(anyFields, fc.integer({ min: LEAF_MEM_ENCRYPT, max: 0xffffffff }), (f, max) => {
        const fields = { ...f, maxExtLeaf: max };
        expect(fieldsOfCpu(cpuFromFields(fields))).toEqual(fields);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves out the leaves above the maximum extended leaf, and is canonical after one round", () => {
    fc.assert(
      fc.property(anyFields, (f) => {
        const cpu = cpuFromFields(f);
        const max = f.maxExtLeaf >>> 0;
        expect(cpu.cpuid.has(LEAF_EXT_MAX)).toBe(true);
        expect(cpu.cpuid.has(LEAF_ADDR_SIZES)).toBe(max >= LEAF_ADDR_SIZES);
        expect(cpu.cpuid.has(LEAF_MEM_ENCRYPT)).toBe(max >= LEAF_MEM_ENCRYPT);
        expect(cpuFromFields(fieldsOfCpu(cpu))).toEqual(cpu);
        for (const regs of cpu.cpuid.values()) {
          for (const v of Object.values(regs)) expect(v >>> 0).toBe(v);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads each field from the bits the layout table names", () => {
    const f = fieldsOfCpu({
      vendor: "AuthenticAMD",
      cpuid: new Map([
        [LEAF_EXT_MAX, { eax: 0x80000021, ebx: 0, ecx: 0, edx: 0 }],
        [LEAF_ADDR_SIZES, { eax: 0xaabbccdd, ebx: 0, ecx: 0, edx: 0 }],
        [LEAF_MEM_ENCRYPT, { eax: 0x12345678, ebx: 0xfedcba98, ecx: 7, edx: 9 }],
      ]),
    });
    expect(f).toEqual({
      vendor: "AuthenticAMD",
      maxExtLeaf: 0x80000021,
      physAddrSize: 0xdd,
      linAddrSize: 0xcc,
      guestPhysAddrSize: 0xbb,
      addrSizesHigh: 0xaa,
      encFeatures: 0x12345678,
      cBit: 0x98 & 0x3f,
      reduction: (0xba98 >>> 6) & 0x3f,
      numVmpl: 0xb,
      encEbxHigh: 0xfedc,
      ecx: 7,
      edx: 9,
    });
  });

  it("reads absent leaves as zeros", () => {
    const f = fieldsOfCpu({ vendor: "", cpuid: new Map() });
    expect(f.maxExtLeaf).toBe(0);
    expect(f.physAddrSize).toBe(0);
    expect(f.cBit).toBe(0);
  });

  it.each([
    ["physAddrSize", 256],
    ["cBit", 64],
    ["reduction", 64],
    ["numVmpl", 16],
    ["ecx", 2 ** 32],
    ["maxExtLeaf", -1],
    ["linAddrSize", 1.5],
  ] as const)("refuses %s = %s", (field, value) => {
    expect(() => cpuFromFields({ ...PROFILES.genoa.fields, [field]: value })).toThrow(RangeError);
  });
});
