import { describe, expect, it } from "vitest";
import { PTE, mapsMemory, memoryPte, nestedAccessesAreUser, pteFrame, reservedBitsPte } from "../../reference/pte";

describe("PTE table", () => {
  it("draws the long-mode 4-Kbyte PTE", () => {
    expect(PTE.P).toEqual({ hi: 0, lo: 0 });
    expect(PTE.RW).toEqual({ hi: 1, lo: 1 });
    expect(PTE.US).toEqual({ hi: 2, lo: 2 });
    expect(PTE.Address).toEqual({ hi: 51, lo: 12 });
    expect(PTE.NX).toEqual({ hi: 63, lo: 63 });
  });
});

describe("nestedAccessesAreUser", () => {
  it("is the U/S bit", () => {
    expect(nestedAccessesAreUser()).toBe(4n);
  });
});

describe("memoryPte", () => {
  it("maps the host frame present, writable, user and executable", () => {
    expect(memoryPte(0x10000000n)).toBe(0x10000007n);
    expect(memoryPte(0x10000000n) >> 63n).toBe(0n);
  });

  it("keeps only the frame of the host address", () => {
    expect(memoryPte(0x12345678n)).toBe(0x12345007n);
    expect(pteFrame(memoryPte(0x12345678n))).toBe(0x12345000n);
  });
});

describe("reservedBitsPte", () => {
  it("is present with the reserved bits and grants no access", () => {
    expect(reservedBitsPte(0x0007c00000000000n)).toBe(0x0007c00000000001n);
  });

  it("refuses an empty mask or bits outside the address field", () => {
    expect(() => reservedBitsPte(0n)).toThrow();
    expect(() => reservedBitsPte((1n << 51n) | 2n)).toThrow();
  });
});

describe("mapsMemory", () => {
  it("tells a memory entry from a reserved-bits entry and from none", () => {
    expect(mapsMemory(memoryPte(0x10000000n))).toBe(true);
    expect(mapsMemory(reservedBitsPte(1n << 50n))).toBe(false);
    expect(mapsMemory(undefined)).toBe(false);
    expect(mapsMemory(0n)).toBe(false);
  });
});
