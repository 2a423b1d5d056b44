import { readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/store/atomic-write";
import { tempDir } from "./fixtures";

describe("writeFileAtomic", () => {
  it("writes the whole content and leaves no temporary file beside it", () => {
    const dir = tempDir();
    const text = `${"x".repeat(200_000)}\nend\n`;
    writeFileAtomic(join(dir, "a.json"), text);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(text);
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("creates missing folders", () => {
    const dir = tempDir();
    const path = join(dir, "x", "y", "b.json");
    writeFileAtomic(path, "{}\n");
    expect(readFileSync(path, "utf8")).toBe("{}\n");
  });

  it("replaces an existing file whole, a longer one included", () => {
    const dir = tempDir();
    const path = join(dir, "c.json");
    writeFileSync(path, "a much longer old content that must not survive\n");
    writeFileAtomic(path, "new\n");
    expect(readFileSync(path, "utf8")).toBe("new\n");
    expect(readdirSync(dir)).toEqual(["c.json"]);
  });

  it("leaves the old file untouched when the new one cannot be put in place", () => {
    const dir = tempDir();
    const path = join(dir, "d.json");
    writeFileSync(path, "old\n");
    // The target's folder is a file: nothing can be written there.
    expect(() => writeFileAtomic(join(path, "inner.json"), "new\n")).toThrow();
    expect(readFileSync(path, "utf8")).toBe("old\n");
  });
});
