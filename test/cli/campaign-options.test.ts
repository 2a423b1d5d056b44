// Each campaign command turns its own flags into one frozen options object: fuzz takes every campaign flag;
// compare, nightly and series fix what they decide themselves, with no argument map built in between.
import { join } from "path";
import { describe, expect, it } from "vitest";
import { campaignOptions } from "../../src/cli/campaign-options";
import { COMMANDS } from "../../src/cli/commands";
import { resolveCompareOptions } from "../../src/cli/compare-command";
import { parseArgs, type ParsedArgs } from "../../src/cli/flags";
import { resolveFuzzOptions } from "../../src/cli/fuzz-command";
import { UsageError } from "../../src/cli/io";
import { resolveSeriesOptions } from "../../src/cli/series-command";

const args = (command: string, ...argv: string[]) =>
  parseArgs(argv, COMMANDS.find((c) => c.name === command)!.flags) as ParsedArgs;

describe("campaign options", () => {
  it("fuzz: every flag, the defaults of the fuzz table, 60 s unless bounded by runs; frozen", () => {
    const o = resolveFuzzOptions(args("fuzz", "--seed", "4", "--shard", "1/2", "--no-minimize", "--json"));
    expect(o).toMatchObject({ quiet: false, json: true });
    expect(o.campaign).toEqual({
      engine: "random",
      seed: 4,
      timeMs: 60_000,
      runs: Infinity,
      shard: { index: 1, count: 2 },
      jobs: 1,
      impl: "posted",
      against: "reference",
      baseline: "pre-patch",
      crashesDir: null,
      known: ["crashes", "corpus"],
      coverageCorpus: "coverage-corpus",
      minimizeTimeMs: 5000,
      minimize: false,
    });
    expect(Object.isFrozen(o) && Object.isFrozen(o.campaign) && Object.isFrozen(o.campaign.shard)).toBe(true);
    expect(resolveFuzzOptions(args("fuzz", "--runs", "9")).campaign).toMatchObject({ runs: 9, timeMs: Infinity });
    expect(resolveFuzzOptions(args("fuzz", "--engine", "sweep")).campaign.timeMs).toBe(Infinity);
  });

  it("takes the settings a command fixes over its flags and the defaults", () => {
    const o = campaignOptions(args("fuzz", "--seed", "4", "--impl", "pre-patch"), { seed: 8, crashesDir: "d" });
    expect(o).toMatchObject({ seed: 8, crashesDir: "d", impl: "pre-patch", baseline: null });
  });

  it("compare: one campaign per implementation, each with its own baseline and crashes folder", () => {
    const o = resolveCompareOptions(
      args("compare", "--impl", "pre-patch", "--impl", "series-3", "--seed", "6", "--out", "cmp", "--time", "10"),
    );
    expect(o).toMatchObject({ impls: ["pre-patch", "series-3"], out: "cmp", timeMs: 10_000, json: false });
    expect(o.campaigns.map((c) => [c.impl, c.baseline, c.crashesDir, c.seed, c.jobs])).toEqual([
      ["pre-patch", null, join("cmp", "pre-patch", "crashes"), 6, 1],
      ["series-3", "pre-patch", join("cmp", "series-3", "crashes"), 6, 1],
    ]);
    expect(Object.isFrozen(o) && o.campaigns.every((c) => Object.isFrozen(c))).toBe(true);
  });

  it("series: its seed and jobs, campaigns not minimized, the sample and the letter", () => {
    const o = resolveSeriesOptions(args("series", "--sample", "7", "--runs", "50", "--seed", "2", "letter.txt"));
    expect(o).toMatchObject({ runs: 50, sample: 7, letter: "letter.txt", markdown: false });
    expect(o.campaign).toMatchObject({ seed: 2, jobs: 1, minimize: false, known: ["crashes", "corpus"] });
  });

  it("refuses an unknown implementation before any work, as bad usage", () => {
    expect(() => resolveCompareOptions(args("compare", "--impl", "posted", "--impl", "nope"))).toThrow(UsageError);
    expect(() => resolveFuzzOptions(args("fuzz", "--against", "nope"))).toThrow(/unknown implementation "nope"/);
  });
});
