import { readFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { variantNames } from "../../src/port/variants";
import { parseScenario } from "../../src/scenario/codec";
import { corpusName } from "../../src/store/corpus";
import { encodeFindingFile } from "../../src/store/finding-file";
import { signaturesOf } from "../../src/engine/expectations";
import { MMIO_BAR, scenario } from "../port/fixtures";
import { findingFile } from "../store/fixtures";
import { cli, lines, tempDir, writeInput } from "./helpers";

const SC = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });

describe("corpus add", () => {
  it("adds a scenario with every variant's signatures as expectation, then updates it", async () => {
    const dir = tempDir();
    const corpus = join(dir, "corpus");
    const file = writeInput(dir, "s.json", SC);
    const path = join(corpus, corpusName(SC));
    const first = await cli("corpus", "add", "--corpus", corpus, file);
    expect(first.code).toBe(0);
    expect(first.out).toBe(`added ${path}\n`);
    const stored = parseScenario(readFileSync(path, "utf8"));
    expect(stored.expect).toEqual(Object.fromEntries(variantNames().map((v) => [v, signaturesOf(SC, v)])));
    const second = await cli("corpus", "add", "--corpus", corpus, file);
    expect(second.out).toBe(`updated ${path}\n`);
  });

  it("adds a finding's scenario with the finding's class and summary as its note", async () => {
    const dir = tempDir();
    const f = findingFile({ summary: "MMIO read goes to vmd" }, SC);
    const file = writeInput(dir, "f.json", encodeFindingFile(f));
    const r = await cli("corpus", "add", "--corpus", join(dir, "corpus"), file);
    expect(r.code).toBe(0);
    const stored = parseScenario(readFileSync(lines(r.out)[0]!.replace(/^added /, ""), "utf8"));
    expect(stored.note).toBe("exit-mismatch: MMIO read goes to vmd");
  });

  it("rejects a bad file with one line and exit 2, and adds the good ones", async () => {
    const dir = tempDir();
    const bad = writeInput(dir, "bad.json", "[1]");
    const good = writeInput(dir, "s.json", SC);
    const r = await cli("corpus", "add", "--corpus", join(dir, "corpus"), bad, good);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([`${bad}: (root): must be an object`]);
    expect(lines(r.out)).toHaveLength(1);
  });

  it("needs the add subcommand and a file", async () => {
    expect((await cli("corpus", "list")).code).toBe(2);
    expect((await cli("corpus", "add")).code).toBe(2);
  });
});
