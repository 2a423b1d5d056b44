import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hardwareOf, memEncryptionModEnKept, PTE_ADDR_TOP } from "../../src/cpu/hardware";
import type { HostCpu } from "../../src/scenario/types";
import { amdCpu, EPYC_9124, MATISSE } from "../port/fixtures";

/** Bits lo..hi set (inclusive), written out independently of the module under test. */
function bits(lo: number, hi: number): bigint {
  let m = 0n;
  for (let b = lo; b <= hi; b++) m |= 1n << BigInt(b);
  return m;
}

const RAM_64G = 0x1000000000n; // 2^36 bytes: addresses use bits 0..35

describe("CPUID decode (APM vol 3, Fn8000_0008 and Fn8000_001F)", () => {
  it("reads PhysAddrSize from Fn8000_0008 EAX[7:0], ignoring LinAddrSize in EAX[15:8]", () => {
    expect(hardwareOf(amdCpu({ addrSizes: 0x3930, cbit: 47, red: 5 }), true, RAM_64G).physAddrSize).toBe(0x30);
    expect(hardwareOf(amdCpu({ addrSizes: 0x302b, cbit: 47, red: 5 }), true, RAM_64G).physAddrSize).toBe(43);
  });

  it("reads SME, SEV and SEV-ES from Fn8000_001F EAX bits 0, 1 and 3", () => {
    const dec = (sevEax: number) => {
      const hw = hardwareOf(amdCpu({ sevEax, cbit: 47, red: 5 }), false, RAM_64G);
      return [hw.sme, hw.sev, hw.sevEs];
    };
    expect(dec(0x1)).toEqual([true, false, false]);
    expect(dec(0x2)).toEqual([false, true, false]);
    expect(dec(0x8)).toEqual([false, false, true]);
    expect(dec(0x4)).toEqual([false, false, false]);
    expect(dec(0x0001000f)).toEqual([true, true, true]);
  });

  it("reads the C-bit from EBX[5:0] and PhysAddrReduction from EBX[11:6] when encryption is active", () => {
    const hw = hardwareOf(amdCpu({ cbit: 47, red: 5 }), true, RAM_64G);
    expect(hw.encryptionActive).toBe(true);
    expect(hw.cBit).toBe(47);
    expect(hw.reduction).toBe(5);
    const high = hardwareOf(amdCpu({ cbit: 63, red: 63 }), true, RAM_64G);
    expect([high.cBit, high.reduction]).toEqual([63, 63]);
  });

  it("ignores EBX bits above 11 (NumVMPL and others)", () => {
    const cpu = amdCpu({ cbit: 51, red: 6 });
    const r = cpu.cpuid.get(0x8000001f)!;
    cpu.cpuid.set(0x8000001f, { ...r, ebx: r.ebx | (4 << 12) | 0xfff00000 });
    const hw = hardwareOf(cpu, true, RAM_64G);
    expect([hw.cBit, hw.reduction]).toEqual([51, 6]);
  });
});

describe("the maximum extended leaf (Fn8000_0000 EAX)", () => {
  it("does not read Fn8000_001F above the maximum: no SME, SEV or SEV-ES, encryption stays off", () => {
    const hw = hardwareOf(amdCpu({ maxExt: 0x8000001e, cbit: 51, red: 6 }), true, RAM_64G);
    expect([hw.sme, hw.sev, hw.sevEs, hw.encryptionActive]).toEqual([false, false, false, false]);
    expect(hw.cBit).toBe(-1);
    expect(hw.reduction).toBe(0);
  });

  it("reads Fn8000_001F when it is exactly the maximum", () => {
    const hw = hardwareOf(amdCpu({ maxExt: 0x8000001f, cbit: 51, red: 6 }), true, RAM_64G);
    expect(hw.encryptionActive).toBe(true);
    expect(hw.cBit).toBe(51);
  });

  it("takes the legacy 36-bit width when Fn8000_0008 is above the maximum, whatever the leaf holds", () => {
    const hw = hardwareOf(amdCpu({ maxExt: 0x80000007, addrSizes: 0x3030, cbit: 47, red: 5 }), true, RAM_64G);
    expect(hw.physAddrSize).toBe(36);
    expect(hw.reservedMask).toBe(bits(36, 51));
  });

  it("takes the legacy 36-bit width when Fn8000_0000 is absent (maximum reads as 0)", () => {
    const cpu: HostCpu = { vendor: "AuthenticAMD", cpuid: new Map() };
    const hw = hardwareOf(cpu, true, RAM_64G);
    expect(hw.physAddrSize).toBe(36);
    expect(hw.sme).toBe(false);
  });

  it("treats the maximum as unsigned (0xffffffff reaches every leaf)", () => {
    const hw = hardwareOf(amdCpu({ maxExt: 0xffffffff, addrSizes: 0x3034, cbit: 51, red: 6 }), true, RAM_64G);
    expect(hw.physAddrSize).toBe(52);
    expect(hw.cBit).toBe(51);
  });
});

describe("PhysAddrSize", () => {
  it("is capped at 52 (long-mode PTEs hold address bits up to 51)", () => {
    for (const size of [53, 57, 64, 0xff]) {
      const hw = hardwareOf(amdCpu({ addrSizes: 0x3000 | size, cbit: 47, red: 0 }), false, RAM_64G);
      expect(hw.physAddrSize).toBe(52);
      expect(hw.reservedMask).toBe(0n);
      expect(hw.frameMask).toBe(bits(12, 51));
    }
    expect(PTE_ADDR_TOP).toBe(51);
  });
});

describe("the reduction window only with encryption active", () => {
  it("reserves nothing for PhysAddrReduction when SYSCFG.MemEncryptionModEn is clear", () => {
    const hw = hardwareOf(EPYC_9124(), false, RAM_64G);
    expect(hw.encryptionActive).toBe(false);
    expect(hw.reduction).toBe(0);
    expect(hw.cBit).toBe(-1);
    expect(hw.cBitMask).toBe(0n);
    expect(hw.reservedMask).toBe(0n);
    expect(hw.frameMask).toBe(bits(12, 51));
  });

  it("reserves only bits PhysAddrSize..51 on Matisse with encryption off", () => {
    const hw = hardwareOf(MATISSE(), false, RAM_64G);
    expect(hw.reservedMask).toBe(bits(48, 51));
    expect(hw.frameMask).toBe(bits(12, 47));
  });

  it("keeps the reduction off on a CPU without SME even when encryption is requested", () => {
    const hw = hardwareOf(amdCpu({ sevEax: 0xa, cbit: 47, red: 5 }), true, RAM_64G);
    expect(hw.encryptionActive).toBe(false);
    expect(hw.reduction).toBe(0);
    expect(hw.reservedMask).toBe(bits(48, 51));
  });
});

describe("memEncryptionModEnKept (simulated firmware)", () => {
  it("keeps the bit only when it was requested and SME is supported", () => {
    expect(memEncryptionModEnKept(true, true, 47, RAM_64G)).toBe(true);
    expect(memEncryptionModEnKept(false, true, 47, RAM_64G)).toBe(false);
    expect(memEncryptionModEnKept(true, false, 47, RAM_64G)).toBe(false);
  });

  it("clears it when the C-bit is one of the address bits host RAM uses", () => {
    // 64 GiB of RAM is addressed by bits 0..35: a C-bit at 35 would alias RAM, one at 36 does not.
    expect(memEncryptionModEnKept(true, true, 35, RAM_64G)).toBe(false);
    expect(memEncryptionModEnKept(true, true, 36, RAM_64G)).toBe(true);
    // One byte more of RAM needs bit 36 too.
    expect(memEncryptionModEnKept(true, true, 36, RAM_64G + 1n)).toBe(false);
    expect(memEncryptionModEnKept(true, true, 37, RAM_64G + 1n)).toBe(true);
  });

  it("decides encryptionActive in hardwareOf: a C-bit inside RAM's address bits keeps encryption off", () => {
    const low = hardwareOf(amdCpu({ cbit: 20, red: 5 }), true, RAM_64G);
    expect(low.encryptionActive).toBe(false);
    expect(low.cBit).toBe(-1);
    expect(low.reduction).toBe(0);
    expect(low.reservedMask).toBe(bits(48, 51));
  });

  it("agrees with its rule for every C-bit and RAM size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 52 }), (cBit, ramBits) => {
        const ram = 1n << BigInt(ramBits);
        expect(memEncryptionModEnKept(true, true, cBit, ram)).toBe(cBit >= ramBits);
      }),
    );
  });
});

describe("reservedMask, frameMask and cBitMask of real profiles", () => {
  it("EPYC 9124 (PhysAddrSize 52, reduction 6, C-bit 51): reserved bits 46..50, frame 12..45", () => {
    const hw = hardwareOf(EPYC_9124(), true, RAM_64G);
    expect(hw.physAddrSize).toBe(52);
    expect(hw.reduction).toBe(6);
    expect(hw.cBit).toBe(51);
    expect(hw.reservedMask).toBe(0x0007c00000000000n);
    expect(hw.reservedMask).toBe(bits(46, 50));
    expect(hw.cBitMask).toBe(1n << 51n);
    expect(hw.frameMask).toBe(bits(12, 45));
  });

  it("Matisse (48, 5, C-bit 47): reserved bits 43..46 and 48..51, the C-bit not reserved", () => {
    const hw = hardwareOf(MATISSE(), true, RAM_64G);
    expect(hw.reservedMask).toBe(0x000f780000000000n);
    expect(hw.reservedMask).toBe(bits(43, 46) | bits(48, 51));
    expect(hw.cBitMask).toBe(1n << 47n);
    expect(hw.frameMask).toBe(bits(12, 42));
  });

  it("a C-bit above bit 51 is no PTE attribute", () => {
    const hw = hardwareOf(amdCpu({ addrSizes: 0x3030, cbit: 60, red: 5 }), true, RAM_64G);
    expect(hw.encryptionActive).toBe(true);
    expect(hw.cBit).toBe(60);
    expect(hw.cBitMask).toBe(0n);
    expect(hw.reservedMask).toBe(bits(43, 51));
  });

  it("never reserves the 4-KiB offset bits, however large the reduction", () => {
    const hw = hardwareOf(amdCpu({ addrSizes: 0x3030, cbit: 51, red: 63 }), true, RAM_64G);
    expect(hw.reservedMask).toBe(bits(12, 50));
    expect(hw.frameMask).toBe(0n);
  });

  it("splits bits 12..51 exactly into frame, reserved and C-bit for any CPUID", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xff }),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 36, max: 63 }),
        fc.boolean(),
        (phys, red, cbit, memEncrypt) => {
          const hw = hardwareOf(amdCpu({ addrSizes: 0x3000 | phys, cbit, red }), memEncrypt, RAM_64G);
          expect(hw.frameMask & hw.reservedMask).toBe(0n);
          expect(hw.frameMask & hw.cBitMask).toBe(0n);
          expect(hw.reservedMask & hw.cBitMask).toBe(0n);
          expect(hw.frameMask | hw.reservedMask | hw.cBitMask).toBe(bits(12, 51));
          // The lowest reserved address bit is PhysAddrSize - reduction (at least 12), unless it is the C-bit.
          const lowest = Math.max(12, hw.physAddrSize - hw.reduction);
          for (let b = 12; b <= 51; b++) {
            const reserved = (hw.reservedMask >> BigInt(b)) & 1n;
            expect(reserved).toBe(b >= lowest && b !== hw.cBit ? 1n : 0n);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("the masks of a leaf nested PTE, for every PhysAddrSize, reduction and C-bit", () => {
  it("are the address bits below the lowest reserved bit and the reserved bits up to 51, each without the C-bit", () => {
    const range = (lo: number, hi: number) => {
      let m = 0n;
      for (let b = lo; b <= hi; b++) m |= 1n << BigInt(b);
      return m;
    };
    for (let phys = 0; phys < 64; phys += 3)
      for (let red = 0; red < 64; red += 7)
        for (let cbit = 0; cbit < 64; cbit++) {
          const hw = hardwareOf(amdCpu({ addrSizes: 0x3000 | phys, cbit, red }), true, 1n << 36n);
          const c = hw.cBit >= 0 && hw.cBit <= PTE_ADDR_TOP ? 1n << BigInt(hw.cBit) : 0n;
          const lowest = Math.max(12, hw.physAddrSize - hw.reduction);
          expect(hw.cBitMask, `phys ${phys} red ${red} cbit ${cbit}`).toBe(c);
          expect(hw.reservedMask, `phys ${phys} red ${red} cbit ${cbit}`).toBe(range(lowest, PTE_ADDR_TOP) & ~c);
          expect(hw.frameMask, `phys ${phys} red ${red} cbit ${cbit}`).toBe(range(12, lowest - 1) & ~c);
        }
  });
});
