import { describe, expect, it } from "vitest";
import { insnBytesValid, npfAction } from "../../reference/npf";

describe("npfAction", () => {
  it("maps guest memory for every guest", () => {
    expect(npfAction("memory", false)).toBe("map-memory");
    expect(npfAction("memory", true)).toBe("map-memory");
  });

  it("marks MMIO with reserved bits for an SEV-ES guest", () => {
    expect(npfAction("mmio", true)).toBe("map-reserved");
  });

  it("sends MMIO of any other guest to vmd", () => {
    expect(npfAction("mmio", false)).toBe("vmd-assist");
  });

  it("fails on a GPA in no range", () => {
    expect(npfAction("none", false)).toBe("error");
    expect(npfAction("none", true)).toBe("error");
  });
});

describe("insnBytesValid", () => {
  it("needs decode assists and at least one fetched byte", () => {
    expect(insnBytesValid(true, 15)).toBe(true);
    expect(insnBytesValid(true, 0)).toBe(false);
    expect(insnBytesValid(false, 15)).toBe(false);
  });
});
