import { describe, expect, it } from "vitest";
import type { CampaignStats } from "../../src/engine/campaign";
import { fitLine, statusLine } from "../../src/report/progress";
import { progressBar } from "../../src/report/progress-bar";

function stats(execs: number, sigs: number, each: number): CampaignStats {
  const hits = new Map(
    Array.from({ length: sigs }, (_, i) => [
      `s${i}`,
      { count: 1, firstExecs: 1, firstMs: 1, severity: "bug" as const },
    ]),
  );
  const bySeverity = { security: each, crash: each, functional: each, bug: each, ub: each, info: each };
  return { execs, elapsedMs: 0, hits, bySeverity };
}

describe("statusLine", () => {
  it("has its fixed fields in order", () => {
    expect(statusLine("PULSE", stats(52310, 30, 4), 12_000)).toBe(
      "#52310 PULSE 12.0s 4359/s sigs 30 sec 4 crash 4 func 4 bug 4 ub 4 info 4",
    );
    expect(statusLine("DONE", stats(1, 0, 0), 754_400)).toMatch(/^#1 DONE 754s 0\/s /);
    expect(statusLine("DONE", stats(1, 0, 0), 11_100_000)).toMatch(/^#1 DONE 3h05m /);
  });

  it("fits 80 columns for a nightly's numbers (10^8 scenarios, 25 min, 40 signatures)", () => {
    const nightly = stats(99_999_999, 40, 0);
    nightly.bySeverity = { security: 5, crash: 5, functional: 15, bug: 0, ub: 2, info: 13 };
    const line = statusLine("PULSE", nightly, 1_500_000);
    expect(line.length).toBeLessThan(80);
    // On a terminal, with the bar in front, the redrawn line is cut to the width rather than wrapped.
    const tty = fitLine(`${progressBar(0.5, 1000, 12)} ${line}`, 80);
    expect(tty.length).toBeLessThan(80);
    expect(tty.endsWith("…")).toBe(true);
    expect(fitLine("short", 80)).toBe("short");
  });
});
