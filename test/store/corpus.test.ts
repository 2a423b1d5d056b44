import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/codec";
import { addToCorpus, corpusFiles, corpusName } from "../../src/store/corpus";
import { MMIO_BAR, scenario } from "../port/fixtures";
import { tempDir } from "./fixtures";

/** EPYC 9124, SEV-ES guest, one read of the MMIO BAR: the case the patch is about. */
const MMIO_READ = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });

describe("corpus add", () => {
  /** An expectation as the caller computes it (engine/expectations.ts): the store writes it as given. */
  const EXPECT = { posted: ["exit-mismatch|x"], "pre-patch": [] };

  it("writes the scenario under its content hash, with the expectation it is given", () => {
    const dir = tempDir();
    const { path, existed } = addToCorpus(dir, { ...MMIO_READ, note: "MMIO BAR read" }, EXPECT);
    expect(existed).toBe(false);
    expect(path).toBe(join(dir, corpusName(MMIO_READ)));
    const stored = parseScenario(readFileSync(path, "utf8"), path);
    expect(stored.expect).toEqual(EXPECT);
    expect(stored.note).toBe("MMIO BAR read");
    expect({ ...stored, note: undefined, expect: undefined }).toEqual({
      ...MMIO_READ,
      note: undefined,
      expect: undefined,
    });
  });

  it("says when the file was already there, and rewrites it with the new expectation", () => {
    const dir = tempDir();
    const first = addToCorpus(dir, MMIO_READ, { posted: ["stale"] });
    const again = addToCorpus(dir, { ...MMIO_READ, expect: { posted: ["old"] } }, EXPECT);
    expect(again).toEqual({ path: first.path, existed: true });
    const stored = parseScenario(readFileSync(again.path, "utf8"));
    expect(stored.expect).toEqual(EXPECT);
  });

  it("names a scenario by its content: note and expectation do not count, steps do", () => {
    const name = corpusName(MMIO_READ);
    expect(name).toMatch(/^[0-9a-f]{16}\.json$/);
    expect(corpusName({ ...MMIO_READ, note: "x", expect: { posted: [] } })).toBe(name);
    expect(corpusName({ ...MMIO_READ, steps: [] })).not.toBe(name);
  });

  it("lists the corpus's JSON files in name order, without dot files", () => {
    const dir = tempDir();
    for (const n of ["b.json", "a.json", ".a.json.1.tmp", ".hidden.json", "notes.txt"])
      writeFileSync(join(dir, n), "{}");
    expect(corpusFiles(dir)).toEqual([join(dir, "a.json"), join(dir, "b.json")]);
    expect(corpusFiles(join(dir, "missing"))).toEqual([]);
  });
});
