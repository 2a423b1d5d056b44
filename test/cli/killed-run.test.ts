// A campaign killed at any moment loses nothing it already stored: every finding file left behind is whole and valid.
import { spawn } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeFindingFile } from "../../src/store/finding-file";

const BIN = resolve(__dirname, "..", "..", "bin", "vmm-difffuzz.js");
const dir = mkdtempSync(join(tmpdir(), "vmm-difffuzz-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a fuzz campaign and SIGKILLs it once `files` finding files exist (or after `maxMs`). */
function killAfterFindings(crashes: string, files: number, maxMs: number): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, "fuzz", "--time", "60", "--quiet", "--crashes", crashes]);
    const started = Date.now();
    const poll = setInterval(() => {
      let count = 0;
      try {
        count = readdirSync(crashes).filter((n) => n.endsWith(".json")).length;
      } catch {
        count = 0;
      }
      if (count >= files || Date.now() - started > maxMs) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 20);
    child.on("close", () => done(Date.now() - started));
  });
}

describe("a fuzz run killed with SIGKILL", () => {
  it("leaves every finding file it wrote whole and valid, and no temporary file", async () => {
    const crashes = join(dir, "crashes");
    await killAfterFindings(crashes, 3, 45_000);
    const names = readdirSync(crashes);
    const findings = names.filter((n) => n.endsWith(".json") && !n.startsWith("."));
    expect(findings.length).toBeGreaterThanOrEqual(3);
    for (const n of findings) {
      expect(() => decodeFindingFile(readFileSync(join(crashes, n), "utf8")), n).not.toThrow();
    }
    // A temporary file may exist only if the kill landed inside a write; it is never taken for a finding.
    expect(names.filter((n) => !n.endsWith(".json") && !n.endsWith(".tmp"))).toEqual([]);
  }, 60_000);
});
