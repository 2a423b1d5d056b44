import { describe, expect, it } from "vitest";
import { decodeHostCpu } from "../../reference/cpuid";
import { Machine } from "../../src/cpu/machine";
import { CATALOG, LEAF_ADDR_SIZES, LEAF_MEM_ENCRYPT, catalogEntryNamed } from "../../src/scenario/profiles";
import { scenario } from "../port/fixtures";

/** What each part's public source shows: PhysAddrSize, PhysAddrReduction, C-bit, and SEV-ES support. */
const DOCUMENTED: Record<string, { phys: number; reduction: number; cBit: number; sevEs: boolean }> = {
  "epyc-9124": { phys: 52, reduction: 6, cBit: 51, sevEs: true },
  genoa: { phys: 52, reduction: 6, cBit: 51, sevEs: true },
  milan: { phys: 48, reduction: 5, cBit: 51, sevEs: true },
  "zen3-vermeer": { phys: 48, reduction: 5, cBit: 51, sevEs: true },
  "zen2-rome": { phys: 48, reduction: 5, cBit: 47, sevEs: true },
  "zen1-naples": { phys: 48, reduction: 5, cBit: 47, sevEs: false },
};

describe("the CPU catalog", () => {
  it("holds exactly the documented parts, each with a named source", () => {
    expect(CATALOG.map((e) => e.name).sort()).toEqual(Object.keys(DOCUMENTED).sort());
    for (const e of CATALOG) {
      expect(e.source.length, e.name).toBeGreaterThan(20);
      expect(e.generation, e.name).toMatch(/^Zen \d/);
    }
  });

  it("decodes each profile to its documented phys_addrsz, reduction and C-bit, through the machine and the reference", () => {
    for (const e of CATALOG) {
      const want = DOCUMENTED[e.name]!;
      const machine = new Machine(scenario({ cpus: [e.cpu] }));
      const view = decodeHostCpu(e.cpu.vendor, (leaf) => machine.cpuid(0, leaf), true);
      expect([view.physAddrSize, view.physAddrReduction, view.cBit], e.name).toEqual([
        want.phys,
        want.reduction,
        want.cBit,
      ]);
      const hw = machine.hardware[0]!;
      expect([hw.physAddrSize, hw.reduction, hw.cBit], e.name).toEqual([want.phys, want.reduction, want.cBit]);
      expect(machine.syscfgMemEncryptionModEn(0), `${e.name}: SME on as a host running SEV has it`).toBe(true);
      expect(view.sevEs, e.name).toBe(want.sevEs);
    }
  });

  it("carries the raw registers of the dumps it cites", () => {
    const raw = (name: string, leaf: number) => catalogEntryNamed(name)!.cpu.cpuid.get(leaf)!;
    // Ryzen 5 3600X (gz/rust-cpuid ryzen_matisse.rs): 80000008 EAX 0x3030; 8000001F EAX 0x1000f EBX 0x16f.
    expect(raw("zen2-rome", LEAF_ADDR_SIZES).eax).toBe(0x3030);
    expect(raw("zen2-rome", LEAF_MEM_ENCRYPT)).toEqual({ eax: 0x1000f, ebx: 0x16f, ecx: 0x1fd, edx: 1 });
    // Ryzen 9 5950X (Linux stable list dump): 80000008 EAX 0x3030; 8000001F 0x1780f 0x173 0x1fd 1.
    expect(raw("zen3-vermeer", LEAF_ADDR_SIZES).eax).toBe(0x3030);
    expect(raw("zen3-vermeer", LEAF_MEM_ENCRYPT)).toEqual({ eax: 0x1780f, ebx: 0x173, ecx: 0x1fd, edx: 1 });
  });

  it("leaves out parts without a public dump and the QEMU guest view", () => {
    for (const absent of ["bergamo", "siena", "turin", "qemu-sev-guest"])
      expect(catalogEntryNamed(absent)).toBeUndefined();
  });
});
