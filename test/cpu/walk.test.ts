import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import {
  accessErrorBits,
  effectiveKind,
  nestedWalk,
  NPF_FINAL,
  NPF_GUEST_PAGE,
  NPF_ID,
  NPF_P,
  NPF_RSV,
  NPF_RW,
  NPF_US,
  PTE_NX,
  PTE_P,
  PTE_RW,
  PTE_US,
} from "../../src/cpu/walk";
import type { AccessKind } from "../../src/scenario/types";
import { EPYC_9124, MATISSE } from "../port/fixtures";

const RAM_64G = 0x1000000000n;
const EPYC = hardwareOf(EPYC_9124(), true, RAM_64G);
const ZEN2 = hardwareOf(MATISSE(), true, RAM_64G);
const FULL = PTE_P | PTE_RW | PTE_US;
const FRAME = 0x123456789000n;
const KINDS: AccessKind[] = ["read", "write", "fetch"];

describe("NPF error-code bits (APM vol 2 §15.25.6)", () => {
  it("sit where the APM puts them: P, RW, US, RSV, ID at bits 0..4, FINAL at 32, GUEST-PAGE at 33", () => {
    expect([NPF_P, NPF_RW, NPF_US, NPF_RSV, NPF_ID]).toEqual([1n, 2n, 4n, 8n, 16n]);
    expect(NPF_FINAL).toBe(0x100000000n);
    expect(NPF_GUEST_PAGE).toBe(0x200000000n);
  });

  it("always set US: nested page table accesses are user accesses", () => {
    for (const kind of KINDS)
      for (const walk of [false, true]) expect(accessErrorBits(kind, walk) & NPF_US).toBe(NPF_US);
  });

  it("set RW for a write and ID for a fetch of the final translation", () => {
    expect(accessErrorBits("read", false)).toBe(NPF_US | NPF_FINAL);
    expect(accessErrorBits("write", false)).toBe(NPF_US | NPF_RW | NPF_FINAL);
    expect(accessErrorBits("fetch", false)).toBe(NPF_US | NPF_ID | NPF_FINAL);
  });

  it("treat a guest page-table walk as a data write: RW and GUEST-PAGE, never ID or FINAL", () => {
    for (const kind of KINDS) {
      expect(accessErrorBits(kind, true)).toBe(NPF_US | NPF_RW | NPF_GUEST_PAGE);
      expect(effectiveKind(kind, true)).toBe("write");
      expect(effectiveKind(kind, false)).toBe(kind);
    }
  });
});

describe("nestedWalk", () => {
  it("faults not-present without P when no PTE is installed", () => {
    for (const kind of KINDS)
      expect(nestedWalk(EPYC, undefined, 0x5000n, kind, false)).toEqual({
        kind: "npf",
        errorCode: accessErrorBits(kind, false),
      });
  });

  it("faults not-present when P is clear, even with reserved bits set (P is checked first)", () => {
    const pte = FRAME | PTE_RW | PTE_US | (1n << 46n);
    expect(nestedWalk(EPYC, pte, 0x5000n, "read", false)).toEqual({ kind: "npf", errorCode: NPF_US | NPF_FINAL });
  });

  it("faults with P|RSV when a reserved bit is set, whatever the access and the permissions", () => {
    for (const bit of [46n, 47n, 48n, 49n, 50n]) {
      for (const kind of KINDS) {
        for (const perms of [FULL, PTE_P, PTE_P | PTE_NX]) {
          const w = nestedWalk(EPYC, perms | (1n << bit), 0x5000n, kind, false);
          expect(w).toEqual({ kind: "npf", errorCode: accessErrorBits(kind, false) | NPF_P | NPF_RSV });
        }
      }
    }
  });

  it("takes the C-bit for an attribute, not a reserved bit", () => {
    const w = nestedWalk(EPYC, FRAME | FULL | (1n << 51n), 0x5000n, "read", false);
    expect(w).toEqual({ kind: "ok", hpa: FRAME, encrypted: true });
    const z = nestedWalk(ZEN2, 0x12345000n | FULL | (1n << 47n), 0x5000n, "read", false);
    expect(z).toEqual({ kind: "ok", hpa: 0x12345000n, encrypted: true });
    expect(nestedWalk(ZEN2, 0x12345000n | FULL | (1n << 48n), 0x5000n, "read", false).kind).toBe("npf");
  });

  it("denies a supervisor page (US clear) to every access with P set and no RSV", () => {
    for (const kind of KINDS) {
      const w = nestedWalk(EPYC, FRAME | PTE_P | PTE_RW, 0x5000n, kind, false);
      expect(w).toEqual({ kind: "npf", errorCode: accessErrorBits(kind, false) | NPF_P });
    }
  });

  it("denies a write to a read-only page and lets reads and fetches through", () => {
    const pte = FRAME | PTE_P | PTE_US;
    expect(nestedWalk(EPYC, pte, 0x5000n, "write", false)).toEqual({
      kind: "npf",
      errorCode: NPF_P | NPF_RW | NPF_US | NPF_FINAL,
    });
    expect(nestedWalk(EPYC, pte, 0x5000n, "read", false).kind).toBe("ok");
    expect(nestedWalk(EPYC, pte, 0x5000n, "fetch", false).kind).toBe("ok");
  });

  it("denies a guest page-table walk through a read-only page, even when the guest only reads", () => {
    const pte = FRAME | PTE_P | PTE_US;
    expect(nestedWalk(EPYC, pte, 0x5000n, "read", true)).toEqual({
      kind: "npf",
      errorCode: NPF_P | NPF_RW | NPF_US | NPF_GUEST_PAGE,
    });
  });

  it("denies a fetch from an NX page and lets reads and writes through", () => {
    const pte = FRAME | FULL | PTE_NX;
    expect(nestedWalk(EPYC, pte, 0x5000n, "fetch", false)).toEqual({
      kind: "npf",
      errorCode: NPF_P | NPF_ID | NPF_US | NPF_FINAL,
    });
    expect(nestedWalk(EPYC, pte, 0x5000n, "read", false).kind).toBe("ok");
    expect(nestedWalk(EPYC, pte, 0x5000n, "write", false).kind).toBe("ok");
    // A walk is a data write, not a fetch: NX does not stop it.
    expect(nestedWalk(EPYC, pte, 0x5000n, "fetch", true).kind).toBe("ok");
  });

  it("completes at the PTE's frame plus the GPA's page offset, unencrypted without the C-bit", () => {
    expect(nestedWalk(EPYC, FRAME | FULL, 0xf0000abcn, "write", false)).toEqual({
      kind: "ok",
      hpa: FRAME | 0xabcn,
      encrypted: false,
    });
  });

  it("leaves flag bits, the software-available bits 52..62 and NX out of the host address", () => {
    const pte = FRAME | FULL | 0x1e0n | (0x7ffn << 52n) | PTE_NX;
    expect(nestedWalk(EPYC, pte, 0x10n, "read", false)).toEqual({ kind: "ok", hpa: FRAME | 0x10n, encrypted: false });
  });

  it("takes the host address from the frame bits only, for any PTE that completes", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 0xfffn }), (raw, off) => {
        const w = nestedWalk(ZEN2, raw | FULL, 0x7000n | off, "read", false);
        if (w.kind === "ok") {
          expect(raw & ZEN2.reservedMask).toBe(0n);
          expect(w.hpa).toBe((raw & ZEN2.frameMask) | off);
          expect(w.hpa >> 43n).toBe(0n);
        } else {
          expect(w.errorCode).toBe(NPF_US | NPF_FINAL | NPF_P | NPF_RSV);
        }
      }),
    );
  });
});
