import { readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/scenario/json-reader";
import { CrashStore } from "../../src/store/crash-store";
import { decodeFindingFile, encodeFindingFile, findingFileName } from "../../src/store/finding-file";
import { findingFile, tempDir, withSteps } from "./fixtures";

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith(".json"));
}

describe("CrashStore", () => {
  it("starts empty on a folder that does not exist, without creating it", () => {
    const dir = join(tempDir(), "crashes");
    const store = new CrashStore(dir);
    expect(store.all()).toEqual([]);
    expect(() => readdirSync(dir)).toThrow();
  });

  it("writes one file per signature, named by the signature's hash, that decodes to what was saved", () => {
    const dir = tempDir();
    const store = new CrashStore(dir);
    const f = findingFile();
    expect(store.save(f)).toBe("new");
    const path = join(dir, findingFileName(f.signature));
    expect(store.pathOf(f)).toBe(path);
    expect(decodeFindingFile(readFileSync(path, "utf8"))).toEqual(f);
    expect(readFileSync(path, "utf8")).toBe(encodeFindingFile(f));
    expect(store.has(f.signature, "posted", "reference")).toBe(true);
    expect(
      store.save(findingFile({ signature: "host-crash|A|kernel|sev-es", class: "host-crash", severity: "crash" })),
    ).toBe("new");
    expect(jsonFiles(dir)).toHaveLength(2);
  });

  it("keeps the smaller scenario of one signature: a bigger one is not written, a smaller one replaces it", () => {
    const dir = tempDir();
    const store = new CrashStore(dir);
    const mid = findingFile({}, withSteps(2));
    expect(store.save(mid)).toBe("new");
    const path = store.pathOf(mid);
    const before = readFileSync(path, "utf8");
    expect(store.save(findingFile({ summary: "bigger" }, withSteps(4)))).toBe("kept");
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(store.save(findingFile({ summary: "smaller" }, withSteps(1)))).toBe("smaller");
    expect(decodeFindingFile(readFileSync(path, "utf8")).scenario.steps).toHaveLength(1);
    expect(jsonFiles(dir)).toEqual([findingFileName(mid.signature)]);
    expect(store.all()).toHaveLength(1);
  });

  it("keeps the same file whichever order two equal-size findings arrive in", () => {
    const one = findingFile({ summary: "a" }, withSteps(2));
    const two = findingFile({ summary: "b" }, withSteps(2));
    const first = new CrashStore(tempDir());
    first.save(one);
    first.save(two);
    const second = new CrashStore(tempDir());
    second.save(two);
    second.save(one);
    expect(readFileSync(first.pathOf(one), "utf8").replace(first.dir, "")).toBe(
      readFileSync(second.pathOf(one), "utf8").replace(second.dir, ""),
    );
  });

  it("stores findings of other implementations apart, under a name that includes them", () => {
    const dir = tempDir();
    const store = new CrashStore(dir);
    const posted = findingFile();
    const pre = findingFile({ impl: "pre-patch" });
    store.save(posted);
    expect(store.save(pre)).toBe("new");
    expect(store.pathOf(pre)).toBe(join(dir, findingFileName(`pre-patch~reference~${pre.signature}`)));
    expect(store.has(pre.signature, "pre-patch", "reference")).toBe(true);
    expect(store.has(pre.signature, "pre-patch", "posted")).toBe(false);
    expect(jsonFiles(dir)).toHaveLength(2);
  });

  it("reloads what it wrote, and keeps comparing against it", () => {
    const dir = tempDir();
    const store = new CrashStore(dir);
    const a = findingFile({}, withSteps(2));
    const b = findingFile({ impl: "pre-patch", step: null });
    store.save(a);
    store.save(b);
    const again = new CrashStore(dir);
    expect(again.all()).toEqual(expect.arrayContaining([a, b]));
    expect(again.all()).toHaveLength(2);
    expect(again.has(a.signature, "posted", "reference")).toBe(true);
    expect(again.save(findingFile({}, withSteps(3)))).toBe("kept");
  });

  it("ignores dot files and files that are not JSON", () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".tmp.json"), "{");
    writeFileSync(join(dir, "README.md"), "notes");
    expect(new CrashStore(dir).all()).toEqual([]);
  });

  it("rejects a corrupt file with an InputError naming the file", () => {
    const dir = tempDir();
    new CrashStore(dir).save(findingFile());
    const bad = join(dir, "0000000000000000.json");
    writeFileSync(bad, "{ not json");
    let error: unknown;
    try {
      new CrashStore(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(bad);
    expect((error as InputError).line()).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  });

  it("rejects a well-formed file that breaks a rule, naming the file and the JSON path", () => {
    const dir = tempDir();
    const bad = join(dir, "1111111111111111.json");
    writeFileSync(bad, encodeFindingFile(findingFile()).replace('"severity": "functional"', '"severity": "info"'));
    expect(() => new CrashStore(dir)).toThrow(InputError);
    try {
      new CrashStore(dir);
    } catch (e) {
      expect((e as InputError).line()).toBe(`${bad}: severity: must be "functional" for class exit-mismatch`);
    }
  });
});
