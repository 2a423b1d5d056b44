import { describe, expect, it } from "vitest";
import {
  ghcbErrorFor,
  ghcbMsrProtocolAnswer,
  GHCB_MSR,
  SW_EXITCODE,
  ghcbMsrNamesGhcb,
  ghcbReachable,
  ghcbRequestKind,
  mmioNaeForMmio,
  mmioNaeOutsideMmio,
  unusableGhcbFailsRun,
} from "../../reference/vmgexit";

describe("GHCB MSR table", () => {
  it("splits GHCBData[63:12] from GHCBInfo[11:0]", () => {
    expect(GHCB_MSR.GHCBData).toEqual({ hi: 63, lo: 12 });
    expect(GHCB_MSR.GHCBInfo).toEqual({ hi: 11, lo: 0 });
  });
});

describe("ghcbMsrNamesGhcb", () => {
  it("takes a non-zero page address as the GHCB", () => {
    expect(ghcbMsrNamesGhcb(0x1000n)).toBe(true);
    expect(ghcbMsrNamesGhcb(0x7fff000n)).toBe(true);
  });

  it("refuses a zero GHCB address", () => {
    expect(ghcbMsrNamesGhcb(0n)).toBe(false);
  });

  it("refuses an MSR-protocol value (GHCBInfo != 0)", () => {
    expect(ghcbMsrNamesGhcb(0x1004n)).toBe(false);
    expect(ghcbMsrNamesGhcb(0x1001n)).toBe(false);
  });
});

describe("ghcbReachable", () => {
  it("needs guest memory mapped in the nested table", () => {
    expect(ghcbReachable(0x1000n, "memory", true)).toBe(true);
    expect(ghcbReachable(0x1000n, "memory", false)).toBe(false);
    expect(ghcbReachable(0xf0000000n, "mmio", true)).toBe(false);
    expect(ghcbReachable(0xa0000n, "none", true)).toBe(false);
    expect(ghcbReachable(0x1010n, "memory", true)).toBe(false);
  });
});

describe("ghcbRequestKind", () => {
  it("serves CPUID and the two MMIO NAE events, nothing else", () => {
    expect(ghcbRequestKind(SW_EXITCODE.CPUID)).toBe("cpuid");
    expect(ghcbRequestKind(0x80000001n)).toBe("mmio");
    expect(ghcbRequestKind(0x80000002n)).toBe("mmio");
    expect(ghcbRequestKind(0x7bn)).toBe("unsupported");
    expect(ghcbRequestKind(0n)).toBe("unsupported");
    expect(ghcbRequestKind(0x8000ffffn)).toBe("unsupported");
  });
});

describe("mmioNaeForMmio", () => {
  it("emulates only a GPA in an MMIO range", () => {
    expect(mmioNaeForMmio("mmio")).toBe(true);
    expect(mmioNaeForMmio("memory")).toBe(false);
    expect(mmioNaeForMmio("none")).toBe(false);
  });
});

describe("unusableGhcbFailsRun", () => {
  it("fails the run (Linux KVM resumes the guest instead)", () => {
    expect(unusableGhcbFailsRun()).toBe("fail-run");
  });
});

describe("mmioNaeOutsideMmio", () => {
  it("answers with an error in the GHCB (Linux KVM hands the event to user space instead)", () => {
    expect(mmioNaeOutsideMmio()).toBe("ghcb-error");
  });
});

describe("ghcbErrorFor", () => {
  it("answers an unserved event as Linux KVM does: malformed input, invalid event", () => {
    expect(ghcbErrorFor("unsupported")).toEqual({ exitinfo1: 2n, exitinfo2: 6n });
  });

  it("answers an MMIO NAE for a GPA that is not MMIO with #GP(0) to inject", () => {
    const { exitinfo1, exitinfo2 } = ghcbErrorFor("mmio-not-mmio");
    expect(exitinfo1).toBe(1n);
    expect(exitinfo2 & 0xffn).toBe(13n); // vector #GP
    expect((exitinfo2 >> 8n) & 7n).toBe(3n); // type: exception
    expect(exitinfo2 & (1n << 11n)).not.toBe(0n); // error code valid
    expect(exitinfo2 & (1n << 31n)).not.toBe(0n); // valid
  });
});

describe("ghcbMsrProtocolAnswer", () => {
  it("answers a CPUID request with a CPUID response keeping the register bits 31:30", () => {
    expect(ghcbMsrProtocolAnswer((0x8000001fn << 32n) | (1n << 30n) | 0x004n)).toBe((1n << 30n) | 0x005n);
  });

  it("stops the VM on termination and keeps any other request as it is", () => {
    expect(ghcbMsrProtocolAnswer((0x12n << 12n) | 0x100n)).toBe("terminate");
    expect(ghcbMsrProtocolAnswer(0x012n)).toBe(0x012n);
  });
});
