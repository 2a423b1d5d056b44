// The sampler checks the memory map only of campaigns that break maps on purpose: the maps it draws otherwise,
// random and vmd-shaped, are valid as drawn. Every vmd map it can draw is checked here, and many random ones.
import { describe, expect, it } from "vitest";
import {
  MiB,
  PCI_MMIO_BAR_BASE,
  VMD_MAX_VALID_MEM,
  VMD_MIN_VALID_MIB,
  vmdMemoryMap,
} from "../../src/scenario/memory-maps";
import { aleaRandom } from "../../src/scenario/sampler";
import { resolveGeneratorOptions } from "../../src/scenario/space";
import { drawMemoryMap } from "../../src/scenario/space/memory";
import type { MemRange, Scenario } from "../../src/scenario/types";
import { checkMemoryMap } from "../../src/scenario/validate";

const problemOf = (memory: MemRange[]) => checkMemoryMap({ memory } as Scenario);

describe("the memory maps the sampler draws without invalidMaps", () => {
  it("are valid for every vmd guest size it draws, in both layouts", () => {
    const smallest = VMD_MIN_VALID_MIB;
    const largest = Number(VMD_MAX_VALID_MEM / MiB);
    // The sizes drawn: every whole MiB from the smallest valid one to the largest (the round and edge sizes among them).
    expect(Number(PCI_MMIO_BAR_BASE / MiB)).toBeLessThan(largest);
    let checked = 0;
    for (let mib = smallest; mib <= largest; mib++) {
      for (const layout of ["vmd", "vmd-4m"] as const) {
        const problem = problemOf(vmdMemoryMap(BigInt(mib) * MiB, layout));
        if (problem !== null) expect({ mib, layout, problem }).toBeNull();
        checked++;
      }
    }
    expect(checked).toBe(2 * (largest - smallest + 1));
  });

  it("are valid when drawn at random (100,000 maps of five seeds)", () => {
    const options = resolveGeneratorOptions({});
    let maps = 0;
    for (const seed of [1, 2, 3, "maps", 99]) {
      const random = aleaRandom(seed);
      for (let i = 0; i < 20_000; i++) {
        const memory = drawMemoryMap(random, options);
        const problem = problemOf(memory);
        if (problem !== null) expect({ seed, i, problem }).toBeNull();
        maps++;
      }
    }
    expect(maps).toBe(100_000);
  });

  it("a broken map is still found broken (the check the sampler keeps for invalidMaps)", () => {
    expect(problemOf([{ gpa: 0x800n, size: 0x1000n, type: "ram" }])?.path).toBe("memory[0].gpa");
    expect(problemOf([])?.path).toBe("memory");
  });
});
