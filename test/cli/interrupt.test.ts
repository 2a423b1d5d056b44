// SIGINT or SIGTERM during a campaign: the workers stop, the findings table and the DONE line are printed, exit 130.
import { spawn } from "child_process";
import { existsSync } from "fs";
import { join, resolve } from "path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers";

const BIN = resolve(__dirname, "..", "..", "bin", "vmm-difffuzz.js");

/** Starts a command, sends `signal` once its first progress line is out, and collects what it printed. */
function interrupt(
  argv: string[],
  signal: NodeJS.Signals,
): Promise<{ code: number | null; out: string; err: string; afterSignalMs: number }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...argv]);
    let out = "";
    let err = "";
    let sentAt = 0;
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      if (sentAt === 0 && /^#\d+\s/m.test(err)) {
        sentAt = Date.now();
        child.kill(signal);
      }
    });
    child.on("close", (code) => done({ code, out, err, afterSignalMs: Date.now() - sentAt }));
  });
}

describe("an interrupted campaign", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    it(`on ${signal}: stops its workers, prints the findings table and the DONE line, exits 130`, async () => {
      const known = tempDir();
      const r = await interrupt(["fuzz", "--time", "120", "--known", known, "--no-minimize"], signal);
      expect(r.code).toBe(130);
      expect(r.err).toContain(`${signal}: stopping`);
      expect(r.err).toMatch(/^#\d+\s+DONE\s/m);
      // The findings table: the campaign line, then one row per signature found before the signal.
      expect(r.out).toMatch(/^random engine, seed 1, posted vs reference: \d+ scenarios in /);
      expect(r.out).toMatch(/\bNEW\s+\[\w+\]/);
      expect(r.afterSignalMs).toBeLessThan(20_000);
    }, 90_000);

  it("a nightly on SIGINT: skips the phases left, still writes its folder and prints its summary, exits 130", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const r = await interrupt(["nightly", "--time", "120", "--jobs", "1", "--out", out, "--known", dir], "SIGINT");
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/^#\d+ DONE .* random$/m);
    expect(existsSync(join(out, "summary.json"))).toBe(true);
    expect(r.out).toMatch(/stopped by the clock/);
    expect(r.out).toMatch(/^interrupted by SIGINT: .*exit 130$/m);
  }, 90_000);
});
