import { describe, expect, it } from "vitest";
import { Machine } from "../../../src/cpu/machine";
import { getVariant, variantNames } from "../../../src/port/variants";
import { scenario } from "../fixtures";

describe("the variant registry", () => {
  it("lists pre-patch, posted, proposed, the prefixes of the patch series, the reviewer's alternatives and the smp what-if", () => {
    expect(variantNames()).toEqual([
      "pre-patch",
      "posted",
      "proposed",
      ...["1", "2", "3", "4", "5", "6", "7", "8"].map((n) => `series-${n}`),
      "prot-none",
      "bogus-hpa",
      "smp",
    ]);
  });

  it("returns each variant by name, with a factory whose hypervisor carries that name", () => {
    const sc = scenario({});
    for (const name of variantNames()) {
      const v = getVariant(name);
      expect(v.name).toBe(name);
      expect(v.description.length).toBeGreaterThan(0);
      expect(v.factory(new Machine(sc), sc).name).toBe(name);
    }
  });

  it("rejects an unknown name and lists the known ones", () => {
    expect(() => getVariant("committed")).toThrow(
      /unknown port variant "committed" \(known: pre-patch, posted, proposed, series-1, .*series-8, prot-none, bogus-hpa, smp\)/,
    );
  });
});
