// hardwareOf's shortcuts: the address width of a RAM size counted without a string.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressBitsFor } from "../../src/cpu/hardware";

describe("the address bits of host RAM", () => {
  it("are, for any RAM size, as many as the binary digits of its last address", () => {
    const size = fc.oneof(
      fc.bigInt({ min: 0n, max: 1n << 64n }),
      fc.integer({ min: 0, max: 64 }).map((k) => 1n << BigInt(k)),
    );
    fc.assert(
      fc.property(size, fc.integer({ min: -1, max: 1 }), (s, d) => {
        const ram = s + BigInt(d) < 0n ? 0n : s + BigInt(d);
        expect(addressBitsFor(ram)).toBe(ram <= 1n ? 0 : (ram - 1n).toString(2).length);
      }),
    );
  });
});
