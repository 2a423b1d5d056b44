import { describe, expect, it } from "vitest";
import { CELL_CODES } from "../../src/engine/divergence-map";
import { MergeError, mergeSpreads, mergeSummaries } from "../../src/report/merge";
import { finding, panel, summary } from "./fixtures";

const key = { kind: "sev-es", memEncrypt: true, cbitPlacement: "window-upper" } as const;

describe("merge", () => {
  it("merges findings by signature: hits summed, earliest first hit kept, new only if new in all", () => {
    const a = summary({
      shard: "0/2",
      findings: [
        finding({ hits: 3, byEngine: { random: 3 }, firstHit: { engine: "random", execs: 50, seconds: 2 } }),
        finding({ signature: "only-in-a", new: true }),
      ],
    });
    const b = summary({
      shard: "1/2",
      findings: [
        finding({
          new: false,
          hits: 4,
          byEngine: { random: 1, sweep: 3 },
          firstHit: { engine: "sweep", execs: 9, seconds: 0.5 },
        }),
      ],
    });
    const m = mergeSummaries([a, b]);
    const f = m.findings.find((x) => x.signature === finding().signature)!;
    expect(f).toMatchObject({ hits: 7, byEngine: { random: 4, sweep: 3 }, new: false });
    expect(f.firstHit).toEqual({ engine: "sweep", execs: 9, seconds: 0.5 });
    expect(m.findings.find((x) => x.signature === "only-in-a")!.new).toBe(true);
    expect(m.runs).toHaveLength(2);
    expect(m.mergedShards).toEqual(["0/2", "1/2"]);
    expect(a.findings[0]!.hits).toBe(3);
  });

  it("keeps the worst severity of each map cell and adds up sweep coverage", () => {
    const a = summary({
      map: [
        panel(
          key,
          [
            [52, 6, CELL_CODES.info],
            [10, 0, CELL_CODES.security],
          ],
          CELL_CODES.none,
        ),
      ],
      sweep: { pointsDone: 10, pointsInShard: 100, pointsTotal: 200 },
    });
    const b = summary({
      map: [
        panel(
          key,
          [
            [52, 6, CELL_CODES.crash],
            [10, 0, CELL_CODES.agree],
          ],
          CELL_CODES.none,
        ),
      ],
      sweep: { pointsDone: 5, pointsInShard: 100, pointsTotal: 200 },
    });
    const m = mergeSummaries([a, b]);
    expect(m.map).toHaveLength(1);
    expect(m.map[0]!.rows[6]![52]).toBe(CELL_CODES.crash);
    expect(m.map[0]!.rows[0]![10]).toBe(CELL_CODES.security);
    expect(m.map[0]!.rows[1]![1]).toBe(CELL_CODES.none);
    expect(m.sweep).toEqual({ pointsDone: 15, pointsInShard: 200, pointsTotal: 200 });
  });

  it("joins the sweep spreads of a signature into one", () => {
    expect(
      mergeSpreads(
        "phys_addrsz 0-10; phys_red all; C-bit 1,3; memEncrypt off; guest plain",
        "phys_addrsz 11-20,30; phys_red 5; C-bit 2; memEncrypt on; guest sev,sev-es",
      ),
    ).toBe("phys_addrsz 0-20,30; phys_red all; C-bit 1-3; memEncrypt any; guest any");
  });

  it("refuses summaries of different implementations", () => {
    expect(() => mergeSummaries([summary(), summary({ impl: "proposed" })])).toThrow(MergeError);
    expect(() => mergeSummaries([])).toThrow(MergeError);
  });
});
