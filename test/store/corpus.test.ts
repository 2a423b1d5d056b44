import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { variantNames } from "../../src/port/variants";
import { parseScenario } from "../../src/scenario/codec";
import { addToCorpus, corpusFiles, corpusName } from "../../src/store/corpus";
import { signaturesOf } from "../../src/store/expectations";
import { MMIO_BAR, scenario } from "../port/fixtures";
import { tempDir } from "./fixtures";

/** EPYC 9124, SEV-ES guest, one read of the MMIO BAR: the case the patch is about. */
const MMIO_READ = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });

describe("corpus add", () => {
  it("writes the scenario under its content hash, with each port variant's signatures as its expectation", () => {
    const dir = tempDir();
    const { path, existed } = addToCorpus(dir, { ...MMIO_READ, note: "MMIO BAR read" });
    expect(existed).toBe(false);
    expect(path).toBe(join(dir, corpusName(MMIO_READ)));
    const stored = parseScenario(readFileSync(path, "utf8"), path);
    expect(Object.keys(stored.expect!).sort()).toEqual([...variantNames()].sort());
    for (const v of variantNames()) expect(stored.expect![v]).toEqual(signaturesOf(MMIO_READ, v));
    expect(stored.note).toBe("MMIO BAR read");
    expect({ ...stored, note: undefined, expect: undefined }).toEqual({
      ...MMIO_READ,
      note: undefined,
      expect: undefined,
    });
  });

  it("records that pre-patch sends the SEV-ES MMIO access to vmd where the reference raises #VC", () => {
    const dir = tempDir();
    const { path } = addToCorpus(dir, MMIO_READ);
    const stored = parseScenario(readFileSync(path, "utf8"));
    expect(stored.expect!["pre-patch"]).toEqual([
      "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es",
    ]);
  });

  it("says when the file was already there, and rewrites it with today's expectation", () => {
    const dir = tempDir();
    const first = addToCorpus(dir, MMIO_READ);
    writeFileSync(first.path, readFileSync(first.path, "utf8").replace('"posted": [', '"posted": ["stale",'));
    const again = addToCorpus(dir, { ...MMIO_READ, expect: { posted: ["old"] } });
    expect(again).toEqual({ path: first.path, existed: true });
    const stored = parseScenario(readFileSync(again.path, "utf8"));
    expect(stored.expect!.posted).toEqual(signaturesOf(MMIO_READ, "posted"));
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
