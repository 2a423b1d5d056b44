import { describe, expect, it } from "vitest";
import { Campaign, type CampaignOptions, type Engine, type NewSignature } from "../../src/engine/campaign";
import type { Scenario, Step } from "../../src/scenario/types";
import { scenarioSize } from "../../src/store/scenario-size";
import { MATISSE, MMIO_BAR, PLAIN, scenario } from "../port/fixtures";
import { AVL_BIT, GOOD, LEAKY, leakSignature } from "./fixtures";

const RAM_ONLY = scenario({ steps: [{ op: "access", gpa: 0x200000n, kind: "write", size: 8 }] });
const mmio = (gpa: bigint, extra: Step[] = []): Scenario =>
  scenario({ steps: [...extra, { op: "access", gpa, kind: "read", size: 4 }] });
const MMIO_PLAIN = scenario({ guest: PLAIN, steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });

function options(over: Partial<CampaignOptions> = {}): CampaignOptions {
  return {
    implA: LEAKY,
    implB: GOOD,
    runs: Infinity,
    timeMs: Infinity,
    minimizeCandidates: 0,
    minimizeTimeMs: 10_000,
    profiles: [],
    known: () => false,
    ...over,
  };
}

/** An engine that runs `list` in order while the campaign lets it. */
const listEngine =
  (list: Scenario[]): Engine =>
  (ctx) => {
    for (const [i, s] of list.entries()) {
      if (ctx.shouldStop()) return;
      ctx.execute(s, `item ${i}`);
    }
  };

function campaign(over: Partial<CampaignOptions> = {}) {
  const news: NewSignature[] = [];
  const c = new Campaign(options(over), { onNew: (n) => news.push(n) });
  return { c, news };
}

describe("Campaign", () => {
  it("counts scenarios, hits per signature, the first hit, and signatures per severity", () => {
    const { c, news } = campaign();
    const stats = c.run(listEngine([RAM_ONLY, mmio(MMIO_BAR), RAM_ONLY, mmio(MMIO_BAR + 0x2000n), MMIO_PLAIN]));
    expect(stats.execs).toBe(5);
    expect([...stats.hits.keys()]).toEqual([leakSignature("sev-es"), leakSignature("plain")]);
    expect(stats.hits.get(leakSignature("sev-es"))).toMatchObject({ count: 2, firstExecs: 2, severity: "security" });
    expect(stats.hits.get(leakSignature("plain"))).toMatchObject({ count: 1, firstExecs: 5 });
    expect(stats.bySeverity).toEqual({ security: 2 });
    expect(news.map((n) => [n.finding.signature, n.execs, n.origin])).toEqual([
      [leakSignature("sev-es"), 2, "item 1"],
      [leakSignature("plain"), 5, "item 4"],
    ]);
  });

  it("finds nothing when the two sides agree", () => {
    const { c, news } = campaign({ implA: GOOD });
    const stats = c.run(listEngine([RAM_ONLY, mmio(MMIO_BAR), MMIO_PLAIN]));
    expect(stats.execs).toBe(3);
    expect(stats.hits.size).toBe(0);
    expect(news).toEqual([]);
  });

  it("stops after the number of runs", () => {
    const { c } = campaign({ runs: 7 });
    const stats = c.run((ctx) => {
      while (!ctx.shouldStop()) ctx.execute(RAM_ONLY);
    });
    expect(stats.execs).toBe(7);
  });

  it("runs nothing with a time budget of zero", () => {
    const { c } = campaign({ timeMs: 0 });
    expect(c.run(listEngine([RAM_ONLY, RAM_ONLY])).execs).toBe(0);
  });

  it("stops at the next scenario after stop()", () => {
    const { c } = campaign();
    const stats = c.run((ctx) => {
      for (let i = 0; !ctx.shouldStop(); i++) {
        ctx.execute(RAM_ONLY);
        if (i === 2) c.stop();
      }
    });
    expect(stats.execs).toBe(3);
  });

  it("minimizes a new signature and hands on the minimized scenario with its finding", () => {
    const big: Scenario = {
      ...mmio(MMIO_BAR, [
        { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
        { op: "pvclock", gpa: 0x3000n },
        { op: "access", gpa: 0x5000n, kind: "fetch", size: 4, cpu: 1 },
      ]),
      host: { ...RAM_ONLY.host, cpus: [{ vendor: "AuthenticAMD", cpuid: MATISSE().cpuid }, MATISSE()] },
    };
    const { c, news } = campaign({ minimizeCandidates: 500 });
    c.run(listEngine([big]));
    expect(news).toHaveLength(1);
    const n = news[0]!;
    expect(n.original).toBe(big);
    expect(n.known).toBe(false);
    expect(n.scenario.steps).toEqual([{ op: "access", gpa: MMIO_BAR & ~0xfffn, kind: "read", size: 4 }]);
    expect(scenarioSize(n.scenario)[0]).toBe(1);
    expect(n.finding.signature).toBe(leakSignature("sev-es"));
    expect(n.finding.step).toBe(0);
  });

  it("does not minimize a signature already known, but still counts and hands it on", () => {
    const sc = mmio(MMIO_BAR, [{ op: "access", gpa: 0x200000n, kind: "write", size: 8 }]);
    const { c, news } = campaign({ minimizeCandidates: 500, known: (s) => s === leakSignature("sev-es") });
    const stats = c.run(listEngine([sc]));
    expect(news).toHaveLength(1);
    expect(news[0]!.known).toBe(true);
    expect(news[0]!.scenario).toBe(sc);
    expect(news[0]!.finding.step).toBe(1);
    expect(stats.hits.get(leakSignature("sev-es"))!.count).toBe(1);
  });

  it("does not minimize an info finding (PTE bits only), but hands it on", () => {
    const sc = mmio(MMIO_BAR, [
      { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
      { op: "access", gpa: 0x201000n, kind: "write", size: 8 },
    ]);
    const { c, news } = campaign({ implA: AVL_BIT, minimizeCandidates: 500 });
    c.run(listEngine([sc]));
    expect(news.map((n) => [n.finding.class, n.finding.signature])).toEqual([
      ["pte-bits", "pte-bits|both|bits:0x200|sev-es"],
    ]);
    expect(news[0]!.scenario).toBe(sc);
  });

  it("hands on the run of the minimized scenario as the finding's evidence", () => {
    const big = mmio(MMIO_BAR, [{ op: "access", gpa: 0x200000n, kind: "write", size: 8 }]);
    const { c, news } = campaign({ minimizeCandidates: 500 });
    c.run(listEngine([big]));
    const n = news[0]!;
    expect(n.scenario).not.toBe(big);
    expect(n.run.findings).toContainEqual(n.finding);
    // Outcomes of the minimized scenario: one step, where the original had two.
    expect(n.run.a!.steps).toHaveLength(n.scenario.steps.length);
    expect(n.run.b!.steps).toHaveLength(1);
  });

  it("runs a scenario it does not shrink once: its first run is the evidence", () => {
    let runsOfA = 0;
    const counted = { ...LEAKY, factory: (...a: Parameters<typeof LEAKY.factory>) => (runsOfA++, LEAKY.factory(...a)) };
    const list = [mmio(MMIO_BAR), MMIO_PLAIN, RAM_ONLY, mmio(MMIO_BAR)];
    const { c, news } = campaign({ implA: counted, minimizeCandidates: 0 });
    c.run(listEngine(list));
    expect(news).toHaveLength(2);
    expect(runsOfA).toBe(list.length);
    expect(news.map((n) => n.run.findings.map((f) => f.signature))).toEqual([
      [leakSignature("sev-es")],
      [leakSignature("plain")],
    ]);
  });

  it("passes on the engine's words and fast-check replay of the scenario", () => {
    const { c, news } = campaign();
    c.run((ctx) => void ctx.execute(mmio(MMIO_BAR), "round 3", { seed: 3, path: "4:0" }));
    expect(news.map((n) => [n.origin, n.fastCheck])).toEqual([["round 3", { seed: 3, path: "4:0" }]]);
  });

  it("counts scenarios run outside execute", () => {
    const { c } = campaign({ runs: 10 });
    const stats = c.run((ctx) => {
      ctx.addExecs(8);
      while (!ctx.shouldStop()) ctx.execute(RAM_ONLY);
    });
    expect(stats.execs).toBe(10);
  });
});
