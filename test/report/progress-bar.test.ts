import { describe, expect, it } from "vitest";
import { fractionDone, progressBar } from "../../src/report/progress-bar";

describe("progressBar", () => {
  it("draws the done part and the time left from the rate so far", () => {
    expect(progressBar(0.5, 10_000, 10)).toBe("[====>     ]  50% ETA 10s");
    expect(progressBar(0.25, 30_000, 8)).toBe("[=>      ]  25% ETA 1m30s");
  });

  it("is full at the end and unknown at the start", () => {
    expect(progressBar(1, 5_000, 4)).toBe("[====] 100% ETA 0s");
    expect(progressBar(0, 0, 4)).toBe("[    ]   0% ETA ?");
  });
});

describe("fractionDone", () => {
  it("takes whichever bound is closer to its end", () => {
    expect(fractionDone(5_000, 10_000, 10, 100)).toBe(0.5);
    expect(fractionDone(1_000, 10_000, 90, 100)).toBe(0.9);
  });

  it("has no fraction without a bound", () => {
    expect(fractionDone(5_000, Infinity, 10, Infinity)).toBeNull();
  });
});
