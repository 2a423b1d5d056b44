import { existsSync } from "fs";
import { join, resolve } from "path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/engine/driver/coverage-wiring";

describe("the coverage engine's wiring", () => {
  it("finds the project's root above the sources and above the compiled files alike", () => {
    const root = resolve(__dirname, "..", "..", "..");
    expect(projectRoot()).toBe(root);
    expect(projectRoot(join(root, "dist", "src", "engine", "driver"))).toBe(root);
    expect(existsSync(join(projectRoot(), "package.json"))).toBe(true);
  });
});
