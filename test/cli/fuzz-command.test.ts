import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { afterAll, describe, expect, it } from "vitest";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { decodeFindingFile } from "../../src/store/finding-file";
import { cli, lines, tempDir, type CliResult } from "./helpers";

function readDir(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((n) => [n, readFileSync(join(dir, n), "utf8")]),
  );
}

/** `fuzz --runs 200 --seed 3` twice, into two crashes/ folders (run once for the tests that read them). */
const twice = (() => {
  const root = mkdtempSync(join(tmpdir(), "vmm-difffuzz-fuzz-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const [a, b] = [join(root, "a"), join(root, "b")];
  // Nothing known: every signature found is new (the repository's crashes/ and corpus/ would make them known).
  // A generous minimize time: the candidate bound, not the wall-clock safety net, must decide (a loaded machine).
  const argv = (dir: string) => [
    "fuzz",
    "--runs",
    "200",
    "--seed",
    "3",
    "--crashes",
    dir,
    "--known",
    join(root, "nothing"),
    "--quiet",
    "--minimize-time",
    "120",
  ];
  let done: Promise<{ a: string; b: string; first: CliResult; second: CliResult }> | undefined;
  return () => (done ??= (async () => ({ a, b, first: await cli(...argv(a)), second: await cli(...argv(b)) }))());
})();

describe("fuzz", () => {
  it("stores each new signature once, as a finding file that replays to the same signature; exit 1", async () => {
    const { a: crashes, first: r } = await twice();
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const files = readDir(crashes);
    expect(files.size).toBeGreaterThan(0);
    const signatures = new Set<string>();
    for (const [name, text] of files) {
      const f = decodeFindingFile(text);
      expect(signatures.has(f.signature)).toBe(false);
      signatures.add(f.signature);
      expect(f.severity).not.toBe("info");
      expect(f.found).toMatchObject({ engine: "random", seed: "3" });
      expect(text).toContain(`"replay": "vmm-difffuzz replay ${name}"`);
      const again = runPair(f.scenario, implementation(f.impl), implementation(f.against)).findings;
      expect(again.map((g) => g.signature)).toContain(f.signature);
    }
    expect(r.out).toContain(`${files.size} new signature(s) stored in ${crashes}/`);
  });

  it("writes byte-identical finding files for the same seed and runs", async () => {
    const { a, b, second } = await twice();
    expect(second.code).toBe(1);
    const fa = readDir(a);
    const fb = readDir(b);
    expect([...fb.keys()]).toEqual([...fa.keys()]);
    // Byte for byte: no file names the folder it was written to.
    for (const [name, text] of fa) expect(fb.get(name)).toBe(text);
  });

  it("exits 0 with no new signature when crashes/ already holds everything found", async () => {
    const crashes = join(tempDir(), "crashes");
    const argv = [
      "fuzz",
      "--runs",
      "60",
      "--seed",
      "5",
      "--crashes",
      crashes,
      "--known",
      crashes,
      "--quiet",
      "--no-minimize",
    ];
    const first = await cli(...argv);
    expect(first.code).toBe(1);
    const before = readDir(crashes);
    const second = await cli(...argv);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/no new signature \(known: [^)]*\)\n$/);
    expect(readDir(crashes)).toEqual(before);
  });

  it("--json lists every signature found with class, severity, signature and step", async () => {
    const crashes = join(tempDir(), "crashes");
    const r = await cli(
      "fuzz",
      "--runs",
      "60",
      "--seed",
      "5",
      "--crashes",
      crashes,
      "--known",
      crashes,
      "--quiet",
      "--no-minimize",
      "--json",
    );
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ engine: "random", seed: 5, impl: "posted", against: "reference", execs: 60 });
    expect(out.findings.length).toBeGreaterThan(0);
    for (const f of out.findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["class", "severity", "signature", "step"]));
      expect(f.step === null || Number.isInteger(f.step)).toBe(true);
    }
    const stored = [...readDir(crashes).values()].map((t) => decodeFindingFile(t).signature).sort();
    const reported = out.findings
      .filter((f: any) => f.severity !== "info")
      .map((f: any) => f.signature)
      .sort();
    expect(stored).toEqual(reported);
  });

  it("counts what crashes/ and the corpus expectations record as known, and writes nothing without --crashes", async () => {
    const before = { crashes: readDir("crashes"), corpus: readDir("corpus") };
    const r = await cli("fuzz", "--runs", "300", "--seed", "1", "--quiet", "--no-minimize", "--json");
    const out = JSON.parse(r.out);
    expect(out.findings.length).toBeGreaterThan(0);
    // Every divergence the seed finds in 300 scenarios is one the repository already records.
    for (const f of out.findings) {
      if (f.severity === "info") continue;
      expect(f.known, f.signature).toBe(true);
    }
    expect(out.findings.every((f: { file: string | null }) => f.file === null)).toBe(true);
    expect(r.code).toBe(0);
    expect({ crashes: readDir("crashes"), corpus: readDir("corpus") }).toEqual(before);
  });

  it("lists a new signature without storing it when no --crashes is given", async () => {
    const r = await cli(
      "fuzz",
      "--runs",
      "60",
      "--seed",
      "5",
      "--known",
      join(tempDir(), "none"),
      "--quiet",
      "--no-minimize",
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\d+ new signature\(s\), not stored: rerun with --crashes DIR/);
    expect(r.out).not.toContain("vmm-difffuzz replay");
  });

  it("runs exactly --runs scenarios", async () => {
    const crashes = join(tempDir(), "crashes");
    const r = await cli("fuzz", "--runs", "17", "--crashes", crashes, "--quiet", "--no-minimize", "--json");
    expect(JSON.parse(r.out).execs).toBe(17);
  });

  for (const [what, argv, message] of [
    ["an unknown engine", ["--engine", "magic"], /^--engine must be one of random, property, sweep, coverage/],
    ["a negative seed", ["--seed", "-1"], /^--seed must be a whole number >= 0/],
    ["a shard out of range", ["--shard", "2/2"], /^--shard must be I\/N with 0 <= I < N/],
    ["zero runs", ["--runs", "0"], /^--runs must be a positive number/],
    ["a fractional run count", ["--runs", "1.5"], /^--runs must be a whole number/],
    ["a file argument", ["x.json"], /^fuzz takes no file arguments/],
  ] as const) {
    it(`rejects ${what} with one line and exit 2`, async () => {
      const r = await cli("fuzz", ...argv, "--crashes", join(tempDir(), "c"));
      expect(r.code).toBe(2);
      expect(lines(r.err)).toHaveLength(1);
      expect(r.err.replace(/^vmm-difffuzz fuzz: /, "")).toMatch(message);
    });
  }
});
