// `compare`: --time bounds the whole command (both implementations, sweep and random), and --json reports both.
import { readFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { decodeSummary } from "../../src/report/summary-json";
import { cli, tempDir } from "./helpers";

describe("compare", () => {
  it("spends at most --time on both implementations together and prints both in JSON", async () => {
    const dir = tempDir();
    const started = Date.now();
    const r = await cli(
      ...["compare", "--impl", "pre-patch", "--impl", "posted", "--time", "4", "--no-minimize", "--quiet"],
      ...["--out", dir, "--known", join(dir, "nothing"), "--json"],
    );
    const wallSeconds = (Date.now() - started) / 1000;
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as { impl: string; worst: string; findings: unknown[] }[];
    expect(out.map((x) => x.impl)).toEqual(["pre-patch", "posted"]);
    const engineSeconds = ["pre-patch", "posted"].flatMap((impl) =>
      decodeSummary(readFileSync(join(dir, impl, "summary.json"), "utf8")).runs.map((run) => run.seconds),
    );
    expect(engineSeconds).toHaveLength(4);
    // The campaigns' own clocks: the budget is split, never exceeded by more than a clock check's worth.
    expect(engineSeconds.reduce((a, b) => a + b, 0)).toBeLessThan(4.5);
    // The whole command, reports included: the sweep no longer runs the whole space (minutes) before the random part.
    expect(wallSeconds).toBeLessThan(40);
  });
});
