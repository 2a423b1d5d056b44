import { describe, expect, it } from "vitest";
import {
  gpaKind,
  guestBacked,
  hasGuestMemory,
  memoryMapProblem,
  rangeBelowMaxGpa,
  rangeContaining,
  rangeCountValid,
  rangePageAligned,
  rangesAscendingDisjoint,
} from "../../reference/memmap";
import type { MemRange } from "../../src/scenario/types";
import { MMIO, RAM_HIGH, RAM_LOW, VMD_MAP } from "./fixtures";

const GiB = 1n << 30n;
const ram = (gpa: bigint, size: bigint): MemRange => ({ gpa, size, type: "ram" });

describe("rangeCountValid", () => {
  it("accepts 1 to 16 ranges and refuses 0 or 17", () => {
    expect([0, 1, 16, 17].map(rangeCountValid)).toEqual([false, true, true, false]);
  });
});

describe("rangePageAligned", () => {
  it("refuses an unaligned address, an unaligned size and an empty range", () => {
    expect(rangePageAligned(ram(0x1000n, 0x1000n))).toBe(true);
    expect(rangePageAligned(ram(0x1800n, 0x1000n))).toBe(false);
    expect(rangePageAligned(ram(0x1000n, 0x1800n))).toBe(false);
    expect(rangePageAligned(ram(0x1000n, 0n))).toBe(false);
  });
});

describe("rangeBelowMaxGpa", () => {
  it("accepts a range ending exactly at 128 GiB", () => {
    expect(rangeBelowMaxGpa(ram(127n * GiB, GiB))).toBe(true);
  });

  it("refuses a range starting at 128 GiB or reaching past it", () => {
    expect(rangeBelowMaxGpa(ram(128n * GiB, 0x1000n))).toBe(false);
    expect(rangeBelowMaxGpa(ram(127n * GiB, GiB + 0x1000n))).toBe(false);
  });
});

describe("rangesAscendingDisjoint", () => {
  it("accepts adjacent ranges and refuses overlapping or descending ones", () => {
    expect(rangesAscendingDisjoint(ram(0n, 0x2000n), ram(0x2000n, 0x1000n))).toBe(true);
    expect(rangesAscendingDisjoint(ram(0n, 0x2000n), ram(0x1000n, 0x1000n))).toBe(false);
    expect(rangesAscendingDisjoint(ram(0x4000n, 0x1000n), ram(0n, 0x1000n))).toBe(false);
  });
});

describe("guestBacked", () => {
  it("counts RAM and reserved ranges as guest memory, MMIO not", () => {
    expect([guestBacked("ram"), guestBacked("reserved"), guestBacked("mmio")]).toEqual([true, true, false]);
  });
});

describe("hasGuestMemory", () => {
  it("refuses a map of MMIO only and accepts one with any RAM or reserved range", () => {
    expect(hasGuestMemory([MMIO])).toBe(false);
    expect(hasGuestMemory([{ gpa: 0n, size: 0x1000n, type: "reserved" }, MMIO])).toBe(true);
  });
});

describe("memoryMapProblem", () => {
  it("accepts a vmd-like map", () => {
    expect(memoryMapProblem(VMD_MAP)).toBeNull();
  });

  it("names the first broken rule and the range that breaks it", () => {
    expect(memoryMapProblem([])).toEqual({
      rule: "rangeCountValid",
      detail: "invalid number of guest memory ranges (0)",
    });
    expect(memoryMapProblem([RAM_LOW, ram(0x9f800n, 0x1000n)])).toEqual({
      rule: "rangePageAligned",
      detail: "memory range 1 is not page aligned or is empty",
    });
    expect(memoryMapProblem([ram(0n, 129n * GiB)])?.rule).toBe("rangeBelowMaxGpa");
    expect(memoryMapProblem([RAM_HIGH, RAM_LOW])?.rule).toBe("rangesAscendingDisjoint");
    expect(memoryMapProblem([MMIO])?.rule).toBe("hasGuestMemory");
  });

  it("refuses 17 ranges", () => {
    const ranges = Array.from({ length: 17 }, (_, i) => ram(BigInt(i) * 0x1000n, 0x1000n));
    expect(memoryMapProblem(ranges)?.rule).toBe("rangeCountValid");
  });
});

describe("rangeContaining and gpaKind", () => {
  it("finds the range of a GPA and calls gaps nothing", () => {
    expect(rangeContaining(VMD_MAP, 0x9efffn)).toBe(RAM_LOW);
    expect(rangeContaining(VMD_MAP, 0x9f000n)).toBeNull();
    expect(gpaKind(VMD_MAP, 0x1000n)).toBe("memory");
    expect(gpaKind(VMD_MAP, 0xf8000n)).toBe("memory");
    expect(gpaKind(VMD_MAP, 0xf0000010n)).toBe("mmio");
    expect(gpaKind(VMD_MAP, 0xa0000n)).toBe("none");
    expect(gpaKind(VMD_MAP, 0xf1000000n)).toBe("none");
  });
});
