import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { availableParallelism, tmpdir } from "os";
import { join } from "path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveNightlyOptions } from "../../src/cli/nightly-command";
import { COMMANDS } from "../../src/cli/commands";
import { parseArgs, type ParsedArgs } from "../../src/cli/flags";
import { decodeSummary } from "../../src/report/summary-json";
import type { Summary } from "../../src/report/summary-types";
import { decodeFindingFile } from "../../src/store/finding-file";
import { cli, lines, tempDir, type CliResult } from "./helpers";

const nightlyFlags = COMMANDS.find((c) => c.name === "nightly")!.flags;
const args = (...argv: string[]) => parseArgs(argv, nightlyFlags) as ParsedArgs;

/** Three small nightlies of seed 5: a and b knowing nothing, c knowing a's findings. Run once for all tests. */
const runs = (() => {
  const root = mkdtempSync(join(tmpdir(), "vmm-difffuzz-nightly-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const nightly = (out: string, known: string) =>
    cli(
      "nightly",
      ...["--time", "300", "--runs", "1500", "--jobs", "1", "--seed", "5", "--quiet"],
      ...["--out", join(root, out), "--known", join(root, known)],
    );
  const summaryOf = (out: string): Summary => decodeSummary(readFileSync(join(root, out, "summary.json"), "utf8"));
  let done:
    Promise<{ root: string; a: CliResult; b: CliResult; c: CliResult; summaryOf: typeof summaryOf }> | undefined;
  return () =>
    (done ??= (async () => {
      const a = await nightly("a", "nothing");
      const b = await nightly("b", "nothing");
      const c = await nightly("c", "a/crashes");
      return { root, a, b, c, summaryOf };
    })());
})();

const findingsOf = (s: Summary) => s.findings.map((f) => `${f.class} ${f.severity} ${f.signature}`).sort();

describe("nightly", () => {
  it("prints its seed first and exits 1 when it found signatures not known", async () => {
    const { a } = await runs();
    expect(a.code).toBe(1);
    expect(lines(a.out)[0]).toMatch(
      /^nightly \d{4}-\d\d-\d\d: seed 5, 300 s on 1 job\(s\), shard 0\/1, posted vs reference/,
    );
    expect(a.out).toMatch(/signatures, \d+ new \(not recorded in crashes\/ or corpus\/\)/);
  });

  it("writes summary.json, summary.md, summary.html, map.svg and crashes/ with one file per stored finding", async () => {
    const { root, summaryOf } = await runs();
    for (const f of ["summary.json", "summary.md", "summary.html", "map.svg"])
      expect(existsSync(join(root, "a", f))).toBe(true);
    const s = summaryOf("a");
    expect(s.runs.map((r) => [r.engine, r.execs, r.planned, r.complete])).toEqual([
      ["random", 600, 600, true],
      ["sweep", 600, 600, true],
      ["property", 300, 300, true],
    ]);
    expect(s.map.length).toBeGreaterThan(0);
    expect(s.sweep).toEqual({ pointsDone: 250, pointsInShard: 6291456, pointsTotal: 6291456 });
    const stored = s.findings.filter((f) => f.file !== "");
    expect(stored.length).toBeGreaterThan(0);
    expect(readdirSync(join(root, "a", "crashes")).sort()).toEqual(
      stored.map((f) => f.file.slice("crashes/".length)).sort(),
    );
    for (const f of stored) {
      const file = decodeFindingFile(readFileSync(join(root, "a", f.file), "utf8"));
      expect(file.signature).toBe(f.signature);
      expect(f.replay).toBe(`vmm-difffuzz replay ${f.file}`);
      expect(f.new).toBe(true);
    }
    for (const f of s.findings.filter((x) => x.file === "")) expect(f.severity).toBe("info");
    expect(readFileSync(join(root, "a", "summary.html"), "utf8")).toContain("<svg");
  });

  it("finds the same signatures, classes and severities from the same seed", async () => {
    const { b, summaryOf } = await runs();
    expect(b.code).toBe(1);
    expect(findingsOf(summaryOf("b"))).toEqual(findingsOf(summaryOf("a")));
  });

  it("writes byte-identical finding files into two output folders from the same seed", async () => {
    const { root } = await runs();
    const read = (d: string) =>
      readdirSync(join(root, d, "crashes"))
        .sort()
        .map((n) => [n, readFileSync(join(root, d, "crashes", n), "utf8")]);
    expect(read("b")).toEqual(read("a"));
  });

  it("exits 0 when run again knowing the first run's crashes/, with nothing marked new", async () => {
    const { c, summaryOf } = await runs();
    expect(c.code).toBe(0);
    const s = summaryOf("c");
    expect(findingsOf(s)).toEqual(findingsOf(summaryOf("a")));
    expect(s.findings.every((f) => !f.new)).toBe(true);
    expect(c.out).toContain("none new");
  });

  it("with --out elsewhere, leaves the repository's folders as they were (git status unchanged)", async () => {
    const status = () => execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" });
    const before = status();
    const dir = tempDir();
    const r = await cli(
      "nightly",
      ...["--time", "300", "--runs", "600", "--jobs", "1", "--seed", "5", "--quiet", "--out", join(dir, "out")],
    );
    expect(r.code).toBeLessThan(2);
    expect(readdirSync(join(dir, "out"))).toContain("summary.json");
    expect(status()).toBe(before);
  });

  it("says when the wall clock stopped an engine before its plan", async () => {
    const dir = tempDir();
    const r = await cli(
      "nightly",
      ...["--time", "0.05", "--runs", "20000", "--jobs", "1", "--seed", "5", "--quiet"],
      ...["--out", join(dir, "out")],
    );
    const s = decodeSummary(readFileSync(join(dir, "out", "summary.json"), "utf8"));
    expect(s.runs[0]).toMatchObject({ engine: "random", planned: 8000, complete: false });
    expect(r.out).toContain("stopped by the clock");
  });

  it("derives the seed from the UTC date and the jobs from the cores unless given", () => {
    const o = resolveNightlyOptions(args("--time", "10", "--out", "x"), new Date("2026-03-04T23:59:59Z"));
    expect(o.fuzz.seed).toBe(20260304);
    expect(o.fuzz.jobs).toBe(availableParallelism());
    expect(o.date).toBe("2026-03-04");
    const given = resolveNightlyOptions(
      args("--time", "10", "--out", "x", "--seed", "7", "--jobs", "3", "--shard", "1/4"),
      new Date(),
    );
    expect(given.fuzz).toMatchObject({ seed: 7, jobs: 3, shard: { index: 1, count: 4 } });
  });

  it.each([
    [["--out", "x"], "vmm-difffuzz nightly: needs --time SECONDS (the whole run's budget)"],
    [["--time", "5"], "vmm-difffuzz nightly: needs --out DIR (the output folder)"],
    [["--time", "soon", "--out", "x"], 'vmm-difffuzz nightly: --time must be a positive number, not "soon"'],
    [["--time", "5", "--out", "x", "extra"], 'vmm-difffuzz nightly: nightly takes no file arguments (got "extra")'],
    [
      ["--time", "5", "--out", "x", "--engine", "sweep"],
      "vmm-difffuzz nightly: --engine does not apply here (it is a flag of fuzz) (see vmm-difffuzz nightly --help)",
    ],
    [
      ["--time", "5", "--out", "x", "--shard", "4/4"],
      'vmm-difffuzz nightly: --shard must be I/N with 0 <= I < N, not "4/4"',
    ],
  ])("rejects bad usage %j with one line and exit 2", async (argv, message) => {
    const r = await cli("nightly", ...argv);
    expect(r).toEqual({ code: 2, out: "", err: `${message}\n` });
  });
});
