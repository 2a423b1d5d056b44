import { execFileSync } from "child_process";
import { truncateSync, writeFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES } from "../../src/scenario/json-reader";
import { encodeFindingFile } from "../../src/store/finding-file";
import { corpusFiles } from "../../src/store/corpus";
import { baseJson } from "../support/scenarios";
import { findingFile } from "../store/fixtures";
import { cli, lines, tempDir, writeInput } from "./helpers";

/** One line naming the file, the JSON path and the rule, and nothing that looks like a stack trace. */
function expectOneLine(err: string, file: string, path: string, rule: RegExp | string) {
  expect(lines(err)).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at /);
  const [f, p, ...rest] = err.trimEnd().split(": ");
  expect(f).toBe(file);
  expect(p).toBe(path);
  if (typeof rule === "string") expect(rest.join(": ")).toBe(rule);
  else expect(rest.join(": ")).toMatch(rule);
}

describe("validate", () => {
  it("accepts every corpus file, one ok line each, exit 0", async () => {
    const files = corpusFiles("corpus");
    expect(files.length).toBeGreaterThan(0);
    const r = await cli("validate", ...files);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(lines(r.out)).toEqual(files.map((f) => `${f}: ok (scenario)`));
  });

  it("accepts a finding file", async () => {
    const dir = tempDir();
    const file = writeInput(dir, "f.json", encodeFindingFile(findingFile()));
    const r = await cli("validate", file);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${file}: ok (finding)\n`);
  });

  it("needs at least one file", async () => {
    const r = await cli("validate");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
  });

  const bad: [string, (j: any) => unknown, string, RegExp | string][] = [
    ["malformed JSON", () => '{ "format": ', "(root)", /^malformed JSON/],
    ["a wrong format tag", (j) => ({ ...j, format: "x" }), "format", 'must be "vmm-difffuzz.scenario/1"'],
    [
      "an unknown field",
      (j) => ((j.host.frob = 1), j),
      "host.frob",
      /^unknown field \(allowed: cpus, memEncrypt, decodeAssist, ramBytes, pvEntries, reductionReserved\)$/,
    ],
    ["a missing field", (j) => (delete j.guest, j), "guest", "missing required field"],
    [
      "a value that is not hex",
      (j) => ((j.host.ramBytes = "4096"), j),
      "host.ramBytes",
      'must be a hex string like "0x1000"',
    ],
    [
      "a hex value too wide",
      (j) => ((j.memory[0].gpa = "0x10000000000000000"), j),
      "memory[0].gpa",
      /^must be a hex string/,
    ],
    ["a size out of range", (j) => ((j.steps[0].size = 9), j), "steps[0].size", "must be between 1 and 8"],
    ["an unknown op", (j) => ((j.steps[1].op = "jump"), j), "steps[1].op", /^must be one of "access"/],
    [
      "overlapping ranges",
      (j) => ((j.memory = [j.memory[0], { gpa: "0x1000", size: "0x1000", type: "mmio" }]), j),
      "memory[1].gpa",
      "ranges must be ascending and non-overlapping",
    ],
    [
      "an unaligned range",
      (j) => ((j.memory[0].size = "0x9f001"), j),
      "memory[0].size",
      "must be page aligned (0x1000)",
    ],
    [
      "an MMIO NAE step in a guest without SEV-ES",
      (j) => ((j.guest = { sev: true, sevEs: false }), j),
      "steps[1].op",
      '"mmio-nae" needs an SEV-ES guest (guest.sevEs)',
    ],
    ["SEV-ES without SEV", (j) => ((j.guest = { sev: false, sevEs: true }), j), "guest.sevEs", /sev must be true/],
    ["a step on a CPU that does not exist", (j) => ((j.steps[0].cpu = 1), j), "steps[0].cpu", /names host CPU 1/],
    ["an access across a page", (j) => ((j.steps[0].gpa = "0xf0000ffe"), j), "steps[0].gpa", /cross a page/],
  ];

  for (const [what, breakIt, path, rule] of bad) {
    it(`rejects ${what} with one line naming file, JSON path and rule, exit 2`, async () => {
      const dir = tempDir();
      const file = writeInput(dir, "bad.json", (breakIt(baseJson()) ?? "") as object | string);
      const r = await cli("validate", file);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expectOneLine(r.err, file, path, rule);
    });
  }

  it("rejects a file that cannot be read", async () => {
    const file = `${tempDir()}/missing.json`;
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    expectOneLine(r.err, file, "(file)", "cannot read: ENOENT");
  });

  it("rejects a finding file whose severity is not its class's", async () => {
    const dir = tempDir();
    const text = encodeFindingFile(findingFile()).replace('"severity": "functional"', '"severity": "crash"');
    const file = writeInput(dir, "f.json", text);
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    expectOneLine(r.err, file, "severity", 'must be "functional" for class exit-mismatch');
  });

  it("reports every problem of a file, one line each", async () => {
    const dir = tempDir();
    const j = baseJson();
    j.host.frob = 1;
    j.host.ramBytes = "4096";
    j.steps[0].size = 9;
    j.steps[1].op = "jump";
    j.memory[0].gpa = "0x10000000000000000";
    const file = writeInput(dir, "bad.json", j);
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    expect(lines(r.err).map((l) => l.split(": ")[1])).toEqual([
      "host.frob",
      "host.ramBytes",
      "memory[0].gpa",
      "steps[0].size",
      "steps[1].op",
    ]);
    for (const l of lines(r.err)) expect(l.startsWith(`${file}: `)).toBe(true);
  });

  it("reads only regular files: a FIFO is refused at once, not waited on", async () => {
    const fifo = `${tempDir()}/pipe.json`;
    execFileSync("mkfifo", [fifo]);
    const r = await cli("validate", fifo);
    expect(r.code).toBe(2);
    expectOneLine(r.err, fifo, "(file)", /^not a regular file/);
  }, 5000);

  it("refuses a device such as /dev/urandom and a folder, one line each", async () => {
    const dir = tempDir();
    const r = await cli("validate", "/dev/urandom", dir);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([
      "/dev/urandom: (file): not a regular file (a FIFO, socket or device is never read)",
      `${dir}: (file): is a folder, not a file`,
    ]);
  }, 5000);

  it("refuses a file over the size cap without reading it", async () => {
    const dir = tempDir();
    const file = `${dir}/big.json`;
    writeFileSync(file, "");
    truncateSync(file, MAX_INPUT_BYTES + 1);
    const r = await cli("validate", file);
    expectOneLine(r.err, file, "(file)", `too large: ${MAX_INPUT_BYTES + 1} bytes (at most ${MAX_INPUT_BYTES})`);
  });

  it("accepts a file that starts with a UTF-8 byte order mark", async () => {
    const dir = tempDir();
    const file = writeInput(dir, "bom.json", `\ufeff${JSON.stringify(baseJson())}`);
    const r = await cli("validate", file);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
  });

  it("never echoes control bytes of binary garbage", async () => {
    const dir = tempDir();
    const file = `${dir}/garbage.json`;
    writeFileSync(file, Buffer.from([0x00, 0x01, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff, 0x0a, 0x0d]));
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    // eslint-disable-next-line no-control-regex
    expect(r.err.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(r.err).toMatch(/malformed JSON/);
  });

  it("--json lists each file with its kind or its errors", async () => {
    const dir = tempDir();
    const good = writeInput(dir, "good.json", baseJson());
    const bad = writeInput(dir, "bad.json", { ...baseJson(), steps: "none" });
    const r = await cli("validate", "--json", good, bad);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual([
      { file: good, ok: true, kind: "scenario" },
      { file: bad, ok: false, errors: [`${bad}: steps: must be an array`] },
    ]);
  });

  it("checks every file: one ok line per good file, one error line per bad file, exit 2", async () => {
    const dir = tempDir();
    const good = writeInput(dir, "good.json", baseJson());
    const bad1 = writeInput(dir, "bad1.json", "[]");
    const bad2 = writeInput(dir, "bad2.json", { ...baseJson(), steps: "none" });
    const r = await cli("validate", bad1, good, bad2);
    expect(r.code).toBe(2);
    expect(lines(r.out)).toEqual([`${good}: ok (scenario)`]);
    expect(lines(r.err)).toEqual([`${bad1}: (root): must be an object`, `${bad2}: steps: must be an array`]);
  });
});
