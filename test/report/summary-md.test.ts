import { describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/report/summary-md";
import { finding, panel, summary } from "./fixtures";

describe("summary.md", () => {
  const s = summary({
    date: "2026-11-25",
    timeSeconds: 120,
    shard: "0/1",
    sweep: { pointsDone: 100, pointsInShard: 1000, pointsTotal: 1000 },
    findings: [
      finding(),
      finding({ class: "pte-bits", severity: "info", signature: "pte-bits|both|bits:0x400", new: false, replay: "" }),
    ],
    map: [panel({ kind: "plain", memEncrypt: true, cbitPlacement: "below-window" })],
  });
  const md = summaryMarkdown(s);

  it("lists the new findings with their replay commands", () => {
    expect(md).toContain("# vmm-difffuzz nightly: posted vs reference, 2026-11-25");
    expect(md).toContain("**1 new**");
    expect(md).toContain("`vmm-difffuzz replay crashes/93dfe74b0cb8ac72.json`");
  });

  it("has a findings table whose cells keep the signatures' pipes escaped", () => {
    const row = md.split("\n").find((l) => l.startsWith("| NEW |"))!;
    expect(row).toContain("`host-crash\\|A\\|direct-map:pvclock\\|sev-es`");
    expect(row).toContain("random #76, 0.1 s");
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(9);
    expect(md).toContain("not stored (info)");
  });

  it("shows engines, throughput, coverage and the map image", () => {
    expect(md).toContain("| random | 0/1 | 1 | 1,000 |");
    expect(md).toContain("1,000 scenarios in 1.5 s of engine time (667 scenarios/s)");
    expect(md).toContain("sweep covered 100 of 1,000 profile points (10 %)");
    expect(md).toContain("](map.svg)");
    expect(summaryMarkdown(summary())).toContain("No sweep ran: no map.");
  });
});
