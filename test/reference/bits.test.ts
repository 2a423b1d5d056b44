import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bit, bitPositions, bits, field32, fieldMask, flag32, maskOf } from "../../reference/bits";

describe("bit fields", () => {
  it("builds the mask of bits 51..46 as the seed thread's MMIO entry", () => {
    expect(maskOf(51, 46)).toBe(0x000fc00000000000n);
  });

  it("gives an empty mask when the top bit is below the bottom bit", () => {
    expect(maskOf(11, 12)).toBe(0n);
  });

  it("clips masks to 64 bits", () => {
    expect(maskOf(70, 63)).toBe(1n << 63n);
    expect(maskOf(3, -2)).toBe(0xfn);
  });

  it("reads a field out of a 32-bit register", () => {
    expect(field32(51 | (6 << 6), bits(11, 6))).toBe(6);
    expect(field32(51 | (6 << 6), bits(5, 0))).toBe(51);
    expect(field32(0x80000021, bits(31, 0))).toBe(0x80000021);
  });

  it("reads any field of any 32-bit value as masking and shifting its 64-bit value does", () => {
    const field = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }));
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), field, (value, [x, y]) => {
        const f = bits(Math.max(x, y), Math.min(x, y));
        expect(field32(value, f)).toBe(Number((BigInt(value >>> 0) & fieldMask(f)) >> BigInt(f.lo)));
      }),
    );
  });

  it("reads a single flag", () => {
    expect(flag32(0b1000, bit(3))).toBe(true);
    expect(flag32(0b0111, bit(3))).toBe(false);
  });

  it("refuses a field drawn upside down or beyond bit 63", () => {
    expect(() => bits(3, 4)).toThrow();
    expect(() => bit(64)).toThrow();
  });

  it("lists the positions of a mask lowest first", () => {
    expect(bitPositions(fieldMask(bits(50, 46)))).toEqual([46, 47, 48, 49, 50]);
    expect(bitPositions(0n)).toEqual([]);
  });
});
