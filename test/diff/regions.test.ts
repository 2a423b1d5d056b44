import { describe, expect, it } from "vitest";
import { regionOf } from "../../src/diff/regions";
import { VMD_MAP } from "../port/fixtures";

describe("regionOf", () => {
  it("names the type of the range holding the GPA, ends exclusive", () => {
    expect(regionOf(VMD_MAP, 0x0n)).toBe("ram");
    expect(regionOf(VMD_MAP, 0x9ffffn)).toBe("ram");
    expect(regionOf(VMD_MAP, 0xa0000n)).toBe("reserved");
    expect(regionOf(VMD_MAP, 0xf0000000n)).toBe("mmio");
    expect(regionOf(VMD_MAP, 0xffbfffffn)).toBe("mmio");
    expect(regionOf(VMD_MAP, 0xffc00000n)).toBe("reserved");
  });

  it("calls a GPA outside every range a gap", () => {
    expect(regionOf(VMD_MAP, 0x10000000n)).toBe("gap");
    expect(regionOf(VMD_MAP, 0x100000000n)).toBe("gap");
    expect(regionOf([], 0x0n)).toBe("gap");
  });
});
