import { describe, it, expect } from "vitest";
import { hostRamNeeded } from "../../src/cpu/machine";
import {
  GiB,
  MiB,
  PCI_MMIO_BAR_BASE,
  VMD_MAX_VALID_MEM,
  VMD_MIN_VALID_MIB,
  gapsOf,
  pageOf,
  topOf,
  vmdMemoryMap,
} from "../../src/scenario/memory-maps";
import { checkMemoryMap } from "../../src/scenario/validate";
import type { MemRange, Scenario } from "../../src/scenario/types";

function mapProblem(memory: MemRange[]): string | null {
  return checkMemoryMap({ memory } as Scenario)?.rule ?? null;
}

describe("vmdMemoryMap", () => {
  it("lays out a 512 MiB guest as vmd does, with a gap below the PCI MMIO window", () => {
    expect(vmdMemoryMap(512n * MiB)).toEqual([
      { gpa: 0n, size: 0xa0000n, type: "ram" },
      { gpa: 0xa0000n, size: 0x60000n, type: "reserved" },
      { gpa: 0x100000n, size: 511n * MiB, type: "ram" },
      { gpa: 0xf0000000n, size: 0xffe00000n - 0xf0000000n, type: "mmio" },
      { gpa: 0xffe00000n, size: 2n * MiB, type: "reserved" },
    ]);
    expect(gapsOf(vmdMemoryMap(512n * MiB))).toEqual([{ start: 0x20000000n, end: PCI_MMIO_BAR_BASE }]);
  });

  it("puts the memory above the MMIO window at 4 GiB, right after the second BIOS copy", () => {
    const map = vmdMemoryMap(8n * GiB);
    expect(map[2]).toEqual({ gpa: 0x100000n, size: PCI_MMIO_BAR_BASE - MiB, type: "ram" });
    expect(map[5]).toEqual({ gpa: 4n * GiB, size: 8n * GiB - PCI_MMIO_BAR_BASE, type: "ram" });
    expect(gapsOf(map)).toEqual([]);
    expect(topOf(map)).toBe(4n * GiB + 8n * GiB - PCI_MMIO_BAR_BASE);
  });

  it("fills RAM exactly up to the MMIO base for a 3840 MiB guest", () => {
    const map = vmdMemoryMap(PCI_MMIO_BAR_BASE);
    expect(map).toHaveLength(5);
    expect(map[2]!.gpa + map[2]!.size).toBe(PCI_MMIO_BAR_BASE);
  });

  it("uses a 4 MiB BIOS area below 4 GiB in the vmd-4m layout", () => {
    const map = vmdMemoryMap(1n * GiB, "vmd-4m");
    expect(map[3]).toEqual({ gpa: PCI_MMIO_BAR_BASE, size: 0xffc00000n - PCI_MMIO_BAR_BASE, type: "mmio" });
    expect(map[4]).toEqual({ gpa: 0xffc00000n, size: 4n * MiB, type: "reserved" });
  });

  it("gives valid maps from the smallest valid guest up to the largest", () => {
    for (const layout of ["vmd", "vmd-4m"] as const) {
      for (const bytes of [BigInt(VMD_MIN_VALID_MIB) * MiB, 1n * GiB, 4n * GiB, VMD_MAX_VALID_MEM]) {
        expect(mapProblem(vmdMemoryMap(bytes, layout))).toBeNull();
      }
    }
    expect(topOf(vmdMemoryMap(VMD_MAX_VALID_MEM))).toBe(128n * GiB);
  });

  it("keeps vmd's small-guest branch: the BIOS area at PCI_MMIO_BAR_END, unaligned, which vmm refuses", () => {
    const map = vmdMemoryMap(3n * MiB);
    expect(map[2]).toEqual({ gpa: 0xffdfffffn, size: 2n * MiB, type: "reserved" });
    expect(mapProblem(map)).toMatch(/page aligned/);
  });

  it("gives a map vmm refuses for a guest past the largest valid one, and none for 0 or above 128 GiB", () => {
    expect(mapProblem(vmdMemoryMap(VMD_MAX_VALID_MEM + MiB))).toMatch(/128 GiB/);
    expect(vmdMemoryMap(0n)).toEqual([]);
    expect(vmdMemoryMap(128n * GiB + MiB)).toEqual([]);
  });

  it("needs the guest's RAM plus the backing base from the host", () => {
    expect(hostRamNeeded(vmdMemoryMap(512n * MiB))).toBe(0x10000000n + 512n * MiB + 2n * MiB);
  });
});

describe("gaps and pages", () => {
  it("finds the hole below the first range and between ranges", () => {
    const map: MemRange[] = [
      { gpa: 0x2000n, size: 0x1000n, type: "ram" },
      { gpa: 0x5000n, size: 0x1000n, type: "mmio" },
    ];
    expect(gapsOf(map)).toEqual([
      { start: 0n, end: 0x2000n },
      { start: 0x3000n, end: 0x5000n },
    ]);
    expect(topOf(map)).toBe(0x6000n);
    expect(topOf([])).toBe(0n);
    expect(pageOf(0x5fffn)).toBe(0x5000n);
  });
});
