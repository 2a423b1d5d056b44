import { describe, expect, it } from "vitest";
import {
  FN8000_0008_EAX,
  FN8000_001F_EAX,
  FN8000_001F_EBX,
  decodeHostCpu,
  extendedLeafReported,
  isAmdCpu,
  memoryEncryptionEnabledOn,
  physAddrSizeOf,
} from "../../reference/cpuid";
import { EPYC_9124, MATISSE, amdCpu, view } from "./fixtures";

describe("CPUID tables", () => {
  it("draw Fn8000_0008_EAX and Fn8000_001F as the APM does", () => {
    expect(FN8000_0008_EAX.PhysAddrSize).toEqual({ hi: 7, lo: 0 });
    expect(FN8000_001F_EBX.CBit).toEqual({ hi: 5, lo: 0 });
    expect(FN8000_001F_EBX.PhysAddrReduction).toEqual({ hi: 11, lo: 6 });
    expect(FN8000_001F_EAX.SME).toEqual({ hi: 0, lo: 0 });
    expect(FN8000_001F_EAX.SEV).toEqual({ hi: 1, lo: 1 });
    expect(FN8000_001F_EAX.SevEs).toEqual({ hi: 3, lo: 3 });
  });
});

describe("isAmdCpu", () => {
  it("accepts only the AuthenticAMD vendor string", () => {
    expect(isAmdCpu("AuthenticAMD")).toBe(true);
    expect(isAmdCpu("GenuineIntel")).toBe(false);
    expect(isAmdCpu("")).toBe(false);
  });
});

describe("extendedLeafReported", () => {
  it("reports leaves up to LFuncExt and none above", () => {
    expect(extendedLeafReported(0x8000001f, 0x8000001f)).toBe(true);
    expect(extendedLeafReported(0x8000001e, 0x8000001f)).toBe(false);
    expect(extendedLeafReported(0, 0x80000008)).toBe(false);
  });
});

describe("physAddrSizeOf", () => {
  it("reads PhysAddrSize from EAX[7:0]", () => {
    expect(physAddrSizeOf(0x80000021, 0x3034)).toBe(52);
    expect(physAddrSizeOf(0x80000021, 0x3030)).toBe(48);
  });

  it("caps a report above 52 bits at the long-mode limit", () => {
    expect(physAddrSizeOf(0x80000021, 0x30ff)).toBe(52);
  });

  it("is unknown when Fn8000_0008 is above the largest extended function", () => {
    expect(physAddrSizeOf(0x80000007, 0x3030)).toBeNull();
  });
});

describe("memoryEncryptionEnabledOn", () => {
  it("needs both SME support and SYSCFG.MemEncryptionModEn", () => {
    expect(memoryEncryptionEnabledOn(true, true)).toBe(true);
    expect(memoryEncryptionEnabledOn(true, false)).toBe(false);
    expect(memoryEncryptionEnabledOn(false, true)).toBe(false);
  });
});

describe("decodeHostCpu", () => {
  it("decodes the EPYC 9124 the seed thread describes", () => {
    expect(view(EPYC_9124)).toEqual({
      amd: true,
      maxExtended: 0x80000021,
      physAddrSize: 52,
      encryptedMemoryLeaf: true,
      sme: true,
      sev: true,
      sevEs: true,
      cBit: 51,
      physAddrReduction: 6,
      memoryEncryptionEnabled: true,
    });
  });

  it("decodes the Ryzen 5 3600X: 48 bits, C-bit 47, reduction 5", () => {
    const v = view(MATISSE);
    expect([v.physAddrSize, v.cBit, v.physAddrReduction]).toEqual([48, 47, 5]);
  });

  it("reports memory encryption disabled when SYSCFG.MemEncryptionModEn is clear", () => {
    expect(view(EPYC_9124, false).memoryEncryptionEnabled).toBe(false);
  });

  it("does not read Fn8000_001F above the largest extended function", () => {
    const cpu = amdCpu({
      0x80000000: { eax: 0x80000008 },
      0x80000008: { eax: 0x3030 },
      0x8000001f: { eax: 0xf, ebx: 0x16f },
    });
    const v = view(cpu);
    expect([v.encryptedMemoryLeaf, v.sev, v.cBit, v.physAddrReduction]).toEqual([false, false, 0, 0]);
    expect(v.physAddrSize).toBe(48);
  });

  it("does not read the AMD encrypted-memory leaf on another vendor's CPU", () => {
    const v = view({ vendor: "GenuineIntel", cpuid: EPYC_9124.cpuid });
    expect([v.amd, v.encryptedMemoryLeaf, v.sev, v.cBit, v.memoryEncryptionEnabled]).toEqual([
      false,
      false,
      false,
      0,
      false,
    ]);
    expect(v.physAddrSize).toBe(52);
  });

  it("asks only the leaves it needs, and never a leaf above the largest extended function", () => {
    const asked: number[] = [];
    decodeHostCpu(
      "AuthenticAMD",
      (leaf) => {
        asked.push(leaf);
        return leaf === 0x80000000 ? { eax: 0x80000008, ebx: 0, ecx: 0, edx: 0 } : { eax: 0, ebx: 0, ecx: 0, edx: 0 };
      },
      true,
    );
    expect(asked).not.toContain(0x8000001f);
  });
});
