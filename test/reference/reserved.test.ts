import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import { maskOf } from "../../reference/bits";
import {
  bitsAboveMaxPhysAddr,
  cBitNeverReserved,
  reductionWindow,
  reservedAddressBits,
  reservedOnEveryCpu,
} from "../../reference/reserved";
import { createDecision } from "../../reference/create";
import type { HostCpu } from "../../src/scenario/types";
/** Host RAM of the scenarios these properties stand for (64 GiB). */
const HOST_RAM = 0x1000000000n;

import { EPYC_9124, MATISSE, NO_REDUCTION_52, VMD_MAP, amdCpu, view } from "./fixtures";

describe("bitsAboveMaxPhysAddr", () => {
  it("reserves bits 51..M", () => {
    expect(bitsAboveMaxPhysAddr(48)).toBe(maskOf(51, 48));
    expect(bitsAboveMaxPhysAddr(40)).toBe(maskOf(51, 40));
  });

  it("reserves nothing at 52 bits", () => {
    expect(bitsAboveMaxPhysAddr(52)).toBe(0n);
  });

  it("never reaches below the address field", () => {
    expect(bitsAboveMaxPhysAddr(8)).toBe(maskOf(51, 12));
  });

  it("reserves nothing when the width is unknown", () => {
    expect(bitsAboveMaxPhysAddr(null)).toBe(0n);
  });
});

describe("reductionWindow", () => {
  it("is bits M-1 .. M-reduction with memory encryption enabled", () => {
    expect(reductionWindow(52, 6, true)).toBe(maskOf(51, 46));
    expect(reductionWindow(48, 5, true)).toBe(maskOf(47, 43));
  });

  it("is empty with memory encryption disabled", () => {
    expect(reductionWindow(52, 6, false)).toBe(0n);
  });

  it("is empty with no reduction", () => {
    expect(reductionWindow(52, 0, true)).toBe(0n);
  });

  it("never reaches below the address field", () => {
    expect(reductionWindow(16, 63, true)).toBe(maskOf(15, 12));
  });
});

describe("cBitNeverReserved", () => {
  it("takes the C-bit out when memory encryption is enabled", () => {
    expect(cBitNeverReserved(maskOf(51, 46), 51, true)).toBe(maskOf(50, 46));
  });

  it("leaves the set alone when memory encryption is disabled", () => {
    expect(cBitNeverReserved(maskOf(51, 48), 51, false)).toBe(maskOf(51, 48));
  });

  it("ignores a C-bit position outside the address field", () => {
    expect(cBitNeverReserved(maskOf(51, 46), 63, true)).toBe(maskOf(51, 46));
    expect(cBitNeverReserved(maskOf(51, 46), 0, true)).toBe(maskOf(51, 46));
  });
});

describe("reservedAddressBits", () => {
  it("gives bits 50..46 on the EPYC 9124 (C-bit 51 excluded)", () => {
    expect(reservedAddressBits(view(EPYC_9124))).toBe(0x0007c00000000000n);
  });

  it("gives bits 51..48 and 46..43 on the Ryzen 5 3600X (C-bit 47 excluded)", () => {
    expect(reservedAddressBits(view(MATISSE))).toBe(maskOf(51, 48) | maskOf(46, 43));
  });

  it("gives nothing on a 52-bit CPU without reduction", () => {
    expect(reservedAddressBits(view(NO_REDUCTION_52))).toBe(0n);
  });

  it("gives only bits 51..M when memory encryption is disabled", () => {
    expect(reservedAddressBits(view(MATISSE, false))).toBe(maskOf(51, 48));
    expect(reservedAddressBits(view(EPYC_9124, false))).toBe(0n);
  });
});

describe("reservedOnEveryCpu", () => {
  it("is the bits reserved on all host CPUs", () => {
    const both = reservedOnEveryCpu([view(EPYC_9124), view(MATISSE)]);
    expect(both).toBe((1n << 46n) | maskOf(50, 48));
  });

  it("is empty when one CPU reserves nothing", () => {
    expect(reservedOnEveryCpu([view(EPYC_9124), view(NO_REDUCTION_52)])).toBe(0n);
  });

  it("is empty without host CPUs", () => {
    expect(reservedOnEveryCpu([])).toBe(0n);
  });

  it("never holds a bit a simulated AMD CPU would not fault on (property)", () => {
    fc.assert(
      fc.property(
        fc.array(cpuArb("AuthenticAMD"), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (cpus, memEncrypt) => {
          // The model reads SYSCFG as the machine reports it: the firmware may have left it clear.
          const hw = cpus.map((c) => hardwareOf(c, memEncrypt, HOST_RAM));
          const every = reservedOnEveryCpu(cpus.map((c, i) => view(c, hw[i]!.encryptionActive)));
          for (const h of hw) expect(every & ~h.reservedMask).toBe(0n);
        },
      ),
      { seed: 20251117, numRuns: 2000 },
    );
  });

  it("gives an SEV-ES guest only bits every simulated CPU faults on, whatever the vendors (property)", () => {
    const vendor = fc.constantFrom("AuthenticAMD", "AuthenticAMD", "GenuineIntel");
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(vendor.chain(cpuArb), { minLength: 1, maxLength: 4 }), fc.boolean(), (cpus, memEncrypt) => {
        const d = createDecision({
          memory: VMD_MAP,
          guest: { sev: true, sevEs: true },
          maxVcpus: 1,
          cpus: cpus.map((c) => view(c, hardwareOf(c, memEncrypt, HOST_RAM).encryptionActive)),
          pspLaunchStart: () => true,
        });
        if (!d.ok) return;
        accepted++;
        expect(d.mmioMask).not.toBe(0n);
        for (const c of cpus) expect(d.mmioMask & ~hardwareOf(c, memEncrypt, HOST_RAM).reservedMask).toBe(0n);
      }),
      { seed: 20251118, numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});

/** A host CPU of `vendor` with arbitrary extended range, address size, encryption features, C-bit and reduction. */
function cpuArb(vendor: string): fc.Arbitrary<HostCpu> {
  return fc
    .record({
      maxExt: fc.constantFrom(0x80000000, 0x80000008, 0x8000001f, 0x80000021),
      physAddrSize: fc.integer({ min: 0, max: 255 }),
      encEax: fc.integer({ min: 0, max: 0xf }),
      cBit: fc.oneof(fc.constantFrom(47, 51), fc.integer({ min: 0, max: 63 })),
      reduction: fc.integer({ min: 0, max: 63 }),
    })
    .map((s) =>
      amdCpu(
        {
          0x80000000: { eax: s.maxExt },
          0x80000008: { eax: 0x3000 | s.physAddrSize },
          0x8000001f: { eax: s.encEax, ebx: s.cBit | (s.reduction << 6) },
        },
        vendor,
      ),
    );
}
