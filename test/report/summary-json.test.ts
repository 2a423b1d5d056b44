import { describe, expect, it } from "vitest";
import { CELL_CODES } from "../../src/engine/divergence-map";
import { decodeSummary, encodeSummary } from "../../src/report/summary-json";
import { InputError } from "../../src/scenario/json-reader";
import { finding, panel, summary } from "./fixtures";

const full = summary({
  findings: [
    finding(),
    finding({ signature: "x", spread: "phys_addrsz all; phys_red all; C-bit all; memEncrypt any; guest any" }),
  ],
  map: [panel({ kind: "plain", memEncrypt: false, cbitPlacement: "above-window" }, [[1, 2, CELL_CODES.ub]])],
  runs: [{ engine: "sweep", seed: 1, shard: "0/4", jobs: 2, execs: 10, seconds: 0.25, planned: 12, complete: false }],
  date: "2026-11-25",
  timeSeconds: 120,
  shard: "0/4",
  elapsedSeconds: 3.5,
  sweep: { pointsDone: 1, pointsInShard: 2, pointsTotal: 3 },
});

function errorOf(value: unknown): string {
  try {
    decodeSummary(JSON.stringify(value));
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return "no error";
}

describe("summary.json", () => {
  it("reads back what it writes", () => {
    expect(decodeSummary(encodeSummary(full))).toEqual(full);
    expect(decodeSummary(encodeSummary(summary()))).toEqual(summary());
  });

  it("names the JSON path of what is wrong", () => {
    const bad = JSON.parse(encodeSummary(full));
    expect(errorOf({ ...bad, format: "x" })).toMatch(/^format: must be "vmm-difffuzz.summary\/1"/);
    expect(errorOf({ ...bad, extra: 1 })).toMatch(/^extra: unknown field/);
    bad.findings[0].severity = "info";
    expect(errorOf(bad)).toBe('findings[0].severity: must be "crash" for class host-crash');
    bad.findings[0].severity = "crash";
    bad.map[0].rows[3] = "x";
    expect(errorOf(bad)).toMatch(/^map\[0\]\.rows\[3\]: must be 256 cell codes/);
  });
});
