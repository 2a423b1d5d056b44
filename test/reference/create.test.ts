import { describe, expect, it, vi } from "vitest";
import { maskOf } from "../../reference/bits";
import {
  VMM_UP_ONLY,
  vcpuCountValid,
  cBitReported,
  createDecision,
  sevEsIsSev,
  sevEsMmioMask,
  sevEsNeedsReservedBits,
  type CreateInput,
} from "../../reference/create";
import { EINVAL } from "../../reference/errno";
import type { GuestConfig } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, MMIO, NO_CBIT, NO_REDUCTION_52, VMD_MAP, amdCpu, view } from "./fixtures";

const PLAIN: GuestConfig = { sev: false, sevEs: false };
const SEV: GuestConfig = { sev: true, sevEs: false };
const SEV_ES: GuestConfig = { sev: true, sevEs: true };

function input(over: Partial<CreateInput> = {}): CreateInput {
  return { memory: VMD_MAP, guest: SEV_ES, maxVcpus: 1, cpus: [view(EPYC_9124)], pspLaunchStart: () => true, ...over };
}

describe("vcpuCountValid", () => {
  it("accepts one vcpu only under vmm's UP-only contract, and up to the limit under a wider one", () => {
    expect(vcpuCountValid(1, VMM_UP_ONLY)).toBe(true);
    expect(vcpuCountValid(2, VMM_UP_ONLY)).toBe(false);
    expect(vcpuCountValid(0, VMM_UP_ONLY)).toBe(false);
    expect(vcpuCountValid(64, 64)).toBe(true);
    expect(vcpuCountValid(65, 64)).toBe(false);
  });

  it("refuses a VM of two vcpus with EINVAL before the SEV checks, naming the rule", () => {
    const d = createDecision(input({ guest: { ...SEV_ES, vcpus: 2 }, pspLaunchStart: () => false }));
    expect(d).toMatchObject({ ok: false, errno: EINVAL, rule: "vcpuCountValid" });
    expect(createDecision(input({ guest: { ...SEV_ES, vcpus: 2 }, maxVcpus: 2 })).ok).toBe(true);
  });
});

describe("sevEsIsSev", () => {
  it("refuses SEV-ES without SEV and accepts every other combination", () => {
    expect(sevEsIsSev({ sev: false, sevEs: true })).toBe(false);
    expect([PLAIN, SEV, SEV_ES].map(sevEsIsSev)).toEqual([true, true, true]);
  });
});

describe("cBitReported", () => {
  it("accepts one non-zero C-bit reported by every CPU", () => {
    expect(cBitReported([view(EPYC_9124), view(NO_REDUCTION_52)])).toBe(true);
  });

  it("refuses a zero C-bit", () => {
    expect(cBitReported([view(NO_CBIT)])).toBe(false);
  });

  it("refuses CPUs that disagree on the C-bit, in either order", () => {
    expect(cBitReported([view(EPYC_9124), view(MATISSE)])).toBe(false);
    expect(cBitReported([view(MATISSE), view(EPYC_9124)])).toBe(false);
  });

  it("refuses when one CPU does not report the encrypted-memory leaf", () => {
    const old = amdCpu({ 0x80000000: { eax: 0x80000008 }, 0x80000008: { eax: 0x3030 } });
    expect(cBitReported([view(MATISSE), view(old)])).toBe(false);
  });

  it("refuses a host without CPUs", () => {
    expect(cBitReported([])).toBe(false);
  });
});

describe("sevEsMmioMask", () => {
  it("marks MMIO with the bits reserved on every CPU", () => {
    expect(sevEsMmioMask([view(EPYC_9124)])).toBe(maskOf(50, 46));
    expect(sevEsMmioMask([view(EPYC_9124), view(NO_REDUCTION_52)])).toBe(0n);
  });
});

describe("sevEsNeedsReservedBits", () => {
  it("needs at least one bit reserved on every CPU", () => {
    expect(sevEsNeedsReservedBits(maskOf(50, 46))).toBe(true);
    expect(sevEsNeedsReservedBits(0n)).toBe(false);
  });
});

describe("createDecision", () => {
  it("creates a plain guest without asking the PSP", () => {
    const psp = vi.fn(() => false);
    expect(createDecision(input({ guest: PLAIN, pspLaunchStart: psp }))).toEqual({
      ok: true,
      sevEs: false,
      mmioMask: 0n,
    });
    expect(psp).not.toHaveBeenCalled();
  });

  it("refuses an invalid memory map with EINVAL before anything else", () => {
    const psp = vi.fn(() => true);
    const d = createDecision(input({ memory: [MMIO], pspLaunchStart: psp }));
    expect(d).toMatchObject({ ok: false, errno: EINVAL, rule: "hasGuestMemory" });
    expect(psp).not.toHaveBeenCalled();
  });

  it("refuses SEV-ES without SEV", () => {
    expect(createDecision(input({ guest: { sev: false, sevEs: true } }))).toMatchObject({
      ok: false,
      errno: EINVAL,
      rule: "sevEsIsSev",
    });
  });

  it("refuses an SEV guest the PSP does not launch, asking for SEV-ES when the guest is SEV-ES", () => {
    const psp = vi.fn(() => false);
    expect(createDecision(input({ pspLaunchStart: psp }))).toMatchObject({ ok: false, rule: "pspLaunchStart" });
    expect(psp).toHaveBeenCalledWith(true);
    createDecision(input({ guest: SEV, pspLaunchStart: psp }));
    expect(psp).toHaveBeenLastCalledWith(false);
  });

  it("refuses an SEV guest when no C-bit is reported", () => {
    expect(createDecision(input({ guest: SEV, cpus: [view(NO_CBIT)] }))).toMatchObject({
      ok: false,
      errno: EINVAL,
      rule: "cBitReported",
      detail: "SEV enabled but no C-bit reported",
    });
  });

  it("creates an SEV guest on a CPU without reserved bits: only SEV-ES needs them", () => {
    expect(createDecision(input({ guest: SEV, cpus: [view(NO_REDUCTION_52)] }))).toEqual({
      ok: true,
      sevEs: false,
      mmioMask: 0n,
    });
  });

  it("creates an SEV-ES guest on the EPYC 9124 with MMIO mask bits 50..46", () => {
    expect(createDecision(input())).toEqual({ ok: true, sevEs: true, mmioMask: 0x0007c00000000000n });
  });

  it("refuses SEV-ES on a 52-bit CPU without PhysAddrReduction", () => {
    expect(createDecision(input({ cpus: [view(NO_REDUCTION_52)] }))).toMatchObject({
      ok: false,
      errno: EINVAL,
      rule: "sevEsNeedsReservedBits",
    });
  });

  it("refuses SEV-ES when one host CPU has no reserved bit", () => {
    expect(createDecision(input({ cpus: [view(EPYC_9124), view(NO_REDUCTION_52)] }))).toMatchObject({
      ok: false,
      errno: EINVAL,
    });
  });
});
