import { describe, expect, it } from "vitest";
import { Machine } from "../../../src/cpu/machine";
import { PortHypervisor } from "../../../src/port/hypervisor";
import { portVariant } from "../../../src/port/variants/variant";
import { prePatch } from "../../../src/port/variants/pre-patch";
import { scenario } from "../fixtures";

describe("portVariant", () => {
  it("names the variant after its tree and builds port hypervisors on it", () => {
    const v = portVariant("a test tree", { ...prePatch.tree, name: "proposed" });
    expect(v.name).toBe("proposed");
    expect(Object.isFrozen(v)).toBe(true);
    const sc = scenario({});
    const h = v.factory(new Machine(sc), sc);
    expect(h).toBeInstanceOf(PortHypervisor);
    expect(h.name).toBe("proposed");
  });
});
