// The command line for real: `node bin/vmm-difffuzz.js` in a child process.
import { spawn } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { afterAll, describe, expect, it } from "vitest";
import { corpusFiles } from "../../src/store/corpus";
import { baseJson } from "../support/scenarios";

const BIN = resolve(__dirname, "..", "..", "bin", "vmm-difffuzz.js");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmm-difffuzz-bin-"));
  dirs.push(dir);
  return dir;
}

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err }));
  });
}

const badDir = temp();
const bad = join(badDir, "bad.json");
writeFileSync(bad, JSON.stringify({ ...baseJson(), memory: [] }));
// Started together so that the two processes overlap.
const runs = {
  validate: run(["validate", ...corpusFiles("corpus")]),
  invalid: run(["validate", bad, join(badDir, "missing.json")]),
};

describe("bin/vmm-difffuzz.js", () => {
  it("validate accepts every corpus file: exit 0", async () => {
    const r = await runs.validate;
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split("\n")).toHaveLength(corpusFiles("corpus").length);
  });

  it("validate rejects bad input with one line per file naming file, JSON path and rule: exit 2, no stack trace", async () => {
    const r = await runs.invalid;
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      `${bad}: memory: needs 1 to 16 ranges (VMM_MAX_MEM_RANGES)\n` +
        `${join(badDir, "missing.json")}: (file): cannot read: ENOENT\n`,
    );
  });
});
