import { describe, expect, it } from "vitest";
import { curcpu, newGlobals } from "../../src/port/kernel";
import { kernelFor, scenario } from "./fixtures";

describe("the kernel state", () => {
  it("starts with the identcpu.c globals at zero", () => {
    expect(newGlobals()).toEqual({
      amd64_pos_cbit: 0,
      amd64_min_noes_asid: 0,
      amd64_phys_addrsz: 0,
      amd64_phys_red: 0,
    });
  });

  it("curcpu() is the cpu_info of the CPU the code runs on, and a missing CPU is a caller bug", () => {
    const { k } = kernelFor(scenario({}));
    expect(curcpu(k)).toBe(k.cpus[0]);
    k.curcpu = 3;
    expect(() => curcpu(k)).toThrow(/no cpu_info for host CPU 3/);
  });
});
