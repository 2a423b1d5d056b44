// Every command's flags: its help lists exactly its table, other commands' flags are refused, -h, --version, --.
import { existsSync, readdirSync, readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands";
import { COMMON_FLAGS, parseArgs } from "../../src/cli/flags";
import { cli, lines, tempDir, writeInput } from "./helpers";
import { baseJson } from "../support/scenarios";

const ALL_FLAGS = [...new Set(COMMANDS.flatMap((c) => Object.keys(c.flags)))];

describe("command-line flags", () => {
  for (const c of COMMANDS) {
    it(`${c.name} --help and -h list exactly its own flags, with their defaults`, async () => {
      const long = await cli(c.name, "--help");
      const short = await cli(c.name, "-h");
      expect(long.code).toBe(0);
      expect(short).toEqual(long);
      expect(long.out).toMatch(new RegExp(`^usage: vmm-difffuzz ${c.name}`));
      const listed = [...long.out.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
      expect(listed).toEqual([...Object.keys(c.flags), ...Object.keys(COMMON_FLAGS)]);
      for (const [name, spec] of Object.entries(c.flags))
        if (typeof spec.default === "string")
          expect(long.out).toMatch(new RegExp(`--${name}.*\\(default ${spec.default}\\)`));
    });

    const foreign = ALL_FLAGS.find((f) => !(f in c.flags));
    if (foreign)
      it(`${c.name} refuses --${foreign}, a flag of other commands, with one line and exit 2`, async () => {
        const r = await cli(c.name, `--${foreign}`, "x");
        expect(r.code).toBe(2);
        expect(lines(r.err)).toEqual([
          expect.stringMatching(
            new RegExp(`^vmm-difffuzz ${c.name}: --${foreign} does not apply here \\(it is a flag of `),
          ),
        ]);
      });

    it(`${c.name} --version prints the package version`, async () => {
      const r = await cli(c.name, "--version");
      const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
      expect(r).toEqual({ code: 0, out: `vmm-difffuzz ${version}\n`, err: "" });
    });

    if (!("json" in c.flags))
      it(`${c.name} refuses --json (it writes files, not a report)`, async () => {
        const r = await cli(c.name, "--json");
        expect(r.code).toBe(2);
        expect(lines(r.err)).toHaveLength(1);
      });
  }

  it("vmm-difffuzz --version and -h", async () => {
    expect((await cli("--version")).out).toMatch(/^vmm-difffuzz \d+\.\d+\.\d+\n$/);
    expect((await cli("-h")).code).toBe(0);
  });

  it("reads a file named like a flag after --", async () => {
    const dir = tempDir();
    const file = writeInput(dir, "-odd.json", baseJson());
    process.chdir(dir);
    try {
      const r = await cli("validate", "--", "-odd.json");
      expect(r).toEqual({ code: 0, out: "-odd.json: ok (scenario)\n", err: "" });
      expect((await cli("validate", "-odd.json")).code).toBe(2);
    } finally {
      process.chdir(__dirname + "/../..");
    }
    expect(file).toContain("-odd.json");
  });

  it("refuses an unknown short flag, a value on a switch, a missing value and a repeat", () => {
    const table = COMMANDS.find((c) => c.name === "fuzz")!.flags;
    expect(parseArgs(["-x"], table)).toBe("unknown option -x");
    expect(parseArgs(["--quiet=yes"], table)).toBe("--quiet takes no value");
    expect(parseArgs(["--seed"], table)).toBe("--seed needs a value N");
    expect(parseArgs(["--seed", "1", "--seed=2"], table)).toBe("--seed given twice");
    expect(parseArgs(["--known", "a", "--known", "b"], table)).toMatchObject({
      flags: new Map([["known", ["a", "b"]]]),
    });
  });

  it("run, corpus add and minimize print JSON with --json", async () => {
    const dir = tempDir();
    const file = writeInput(dir, "s.json", baseJson());
    const run = await cli("run", "--json", file);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ file, impl: "posted" });
    const added = await cli("corpus", "add", "--json", "--corpus", `${dir}/corpus`, file);
    expect(JSON.parse(added.out)).toEqual([expect.objectContaining({ file, existed: false })]);
    const finding = `crashes/${readdirSync("crashes").sort()[0]}`;
    const min = await cli("minimize", "--json", "--minimize-time", "30", "--crashes", `${dir}/crashes`, finding);
    expect(min.code).toBe(0);
    expect(JSON.parse(min.out)).toMatchObject({ stored: "new", file: expect.stringContaining(`${dir}/crashes/`) });
  });

  it("minimize stores nothing for a scenario whose only finding is info", async () => {
    const dir = tempDir();
    const r = await cli("minimize", "--crashes", `${dir}/crashes`, "corpus/seed-epyc-9124-sev-es.json");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([expect.stringMatching(/its finding is info .*nothing to store$/)]);
    expect(existsSync(`${dir}/crashes`)).toBe(false);
  });
});
