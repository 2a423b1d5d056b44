import { describe, expect, it } from "vitest";
import { outOfMemoryFails } from "../../reference/memory";

describe("outOfMemoryFails", () => {
  it("takes what is needed from what is left, and fails the run when it cannot be had", () => {
    expect(outOfMemoryFails(null, 2)).toBeNull();
    expect(outOfMemoryFails(3, 2)).toBe(1);
    expect(outOfMemoryFails(2, 2)).toBe(0);
    expect(outOfMemoryFails(1, 2)).toBe("fail");
  });
});
