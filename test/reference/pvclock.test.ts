import { describe, expect, it } from "vitest";
import { pvclockAction, pvclockArea, pvclockAtEntry, wallClockArea } from "../../reference/pvclock";
import type { MemRange } from "../../src/scenario/types";

const MAP: MemRange[] = [
  { gpa: 0n, size: 0xa0000n, type: "ram" },
  { gpa: 0xa0000n, size: 0x60000n, type: "reserved" },
  { gpa: 0xf0000000n, size: 0x1000000n, type: "mmio" },
];

describe("pvclockArea", () => {
  it("is memory for a 32-byte area inside one page of one memory range, bit 0 being the enable bit", () => {
    expect(pvclockArea(MAP, 0x2000n)).toBe("memory");
    expect(pvclockArea(MAP, 0x2fe1n)).toBe("memory"); // the area starts at 0x2fe0 and ends at the page's end
    expect(pvclockArea(MAP, 0x9ffe0n)).toBe("memory"); // the last 32 bytes of a range
  });

  it("is none for an area crossing a page or leaving its range, and says what a non-memory start is", () => {
    expect(pvclockArea(MAP, 0x2ff0n)).toBe("none");
    expect(pvclockArea(MAP, 0xfffe8n)).toBe("none");
    expect(pvclockArea(MAP, 0xf0000000n)).toBe("mmio");
    expect(pvclockArea(MAP, 0x100000n)).toBe("none");
  });

  it("takes another size (the wall clock's 12 bytes)", () => {
    expect(pvclockArea(MAP, 0x2ff4n, 12n)).toBe("memory");
    expect(pvclockArea(MAP, 0x2ff6n, 12n)).toBe("none");
  });
});

describe("pvclockAtEntry", () => {
  it("writes a registered clock before each guest entry, only while its page is mapped", () => {
    expect(pvclockAtEntry(true, true)).toBe(true);
    expect(pvclockAtEntry(true, false)).toBe(false);
    expect(pvclockAtEntry(false, true)).toBe(false);
  });
});

describe("pvclockAction", () => {
  it("writes guest memory the nested table maps", () => {
    expect(pvclockAction("memory", true)).toBe("write");
  });

  it("has nothing to update on guest memory not yet mapped", () => {
    expect(pvclockAction("memory", false)).toBe("unmapped");
  });

  it("refuses MMIO and GPAs in no range, mapped or not", () => {
    expect(pvclockAction("mmio", true)).toBe("refuse");
    expect(pvclockAction("mmio", false)).toBe("refuse");
    expect(pvclockAction("none", false)).toBe("refuse");
  });
});

describe("wallClockArea", () => {
  it("is memory for 12 bytes in one memory range, crossing a page or not; no enable bit is cleared", () => {
    const map = [{ gpa: 0n, size: 0xa0000n, type: "ram" as const }];
    expect(wallClockArea(map, 0x2ff8n)).toBe("memory");
    expect(wallClockArea(map, 0x2001n)).toBe("memory");
    expect(wallClockArea(map, 0x9fff8n)).toBe("none");
    expect(wallClockArea(map, 0xa0000n)).toBe("none");
  });
});
