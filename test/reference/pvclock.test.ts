import { describe, expect, it } from "vitest";
import { pvclockAction } from "../../reference/pvclock";

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
