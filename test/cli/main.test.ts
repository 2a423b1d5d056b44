import { describe, expect, it } from "vitest";
import { cli, lines } from "./helpers";

describe("vmm-difffuzz (main)", () => {
  it("prints the usage and exits 2 without a command", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^usage: vmm-difffuzz COMMAND/);
  });

  it("prints the usage with every command and exits 0 for --help", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const c of ["validate", "run", "replay", "fuzz", "corpus"]) expect(r.out).toContain(`  ${c} `);
    expect(r.out).toContain("--version");
    expect(r.out).toContain("130 interrupted");
  });

  it("prints a command's help and exits 0", async () => {
    const r = await cli("replay", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: vmm-difffuzz replay /);
    expect(r.err).toBe("");
  });

  it("rejects an unknown command with one line on stderr and exit 2", async () => {
    const r = await cli("frobnicate", "x.json");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(['vmm-difffuzz: unknown command "frobnicate" (see vmm-difffuzz --help)']);
    expect(r.out).toBe("");
  });

  it("rejects an unknown flag with one line on stderr and exit 2", async () => {
    const r = await cli("replay", "--frob", "x.json");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(["vmm-difffuzz replay: unknown option --frob (see vmm-difffuzz replay --help)"]);
  });

  it("rejects a flag without its value, a switch with a value, and a flag given twice", async () => {
    for (const argv of [
      ["fuzz", "--seed"],
      ["replay", "--json=yes", "x.json"],
      ["fuzz", "--seed", "1", "--seed", "2"],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(lines(r.err), argv.join(" ")).toHaveLength(1);
      expect(r.err).toMatch(/^vmm-difffuzz \w+: --(seed|json) /);
    }
  });

  it("turns a command's usage error into one line on stderr and exit 2", async () => {
    const r = await cli("run");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(["vmm-difffuzz run: run takes exactly one FILE"]);
  });

  it("rejects an unknown implementation by name, listing the known ones", async () => {
    const r = await cli("run", "--impl", "nope", "corpus/seed-epyc-9124-sev-es.json");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/unknown implementation "nope" \(known: .*pre-patch.*posted.*reference/);
  });
});
