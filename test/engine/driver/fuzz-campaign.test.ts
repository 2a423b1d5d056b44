// The fuzz campaign as the commands run it, driven by an options object alone (no argv): its findings carry their
// evidence and origin to the store, status updates go to the listener, and nothing is printed.
import { readdirSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { runFuzz, type CampaignStatus, type FuzzReport } from "../../../src/engine/driver/fuzz-campaign";
import { withOptions, type FuzzOptions } from "../../../src/engine/driver/fuzz-options";
import { CrashStore } from "../../../src/store/crash-store";
import { tempDir } from "../../cli/helpers";

function options(dir: string, change: Partial<FuzzOptions> = {}): FuzzOptions {
  return withOptions(
    {
      engine: "random",
      seed: 3,
      timeMs: Infinity,
      runs: 300,
      shard: { index: 0, count: 1 },
      jobs: 1,
      impl: "posted",
      against: "reference",
      baseline: "pre-patch",
      crashesDir: join(dir, "crashes"),
      known: [join(dir, "nothing")],
      coverageCorpus: join(dir, "coverage-corpus"),
      minimizeTimeMs: 120_000,
      minimize: true,
    },
    change,
  );
}

const above = (r: FuzzReport) => r.found.filter((f) => f.finding.severity !== "info");

describe("runFuzz", () => {
  it("stores each new signature's file, made from the run of its minimized scenario, and says where", async () => {
    const dir = tempDir();
    const statuses: CampaignStatus["tag"][] = [];
    const r = await runFuzz(options(dir), { onStatus: (s) => statuses.push(s.tag) });
    expect(r.stats.execs).toBe(300);
    expect(above(r).length).toBeGreaterThan(0);
    const store = new CrashStore(join(dir, "crashes"));
    for (const f of above(r)) {
      expect(f.stored).toBe("new");
      expect(f.path).toBe(store.pathOf(f.file));
      expect(f.run.findings).toContainEqual(f.finding);
      expect(f.file.scenario).toEqual({ ...f.scenario, note: undefined, expect: undefined });
      expect(store.all()).toContainEqual(f.file);
    }
    expect(readdirSync(join(dir, "crashes"))).toHaveLength(above(r).length);
    // One NEW update per signature first found; no PULSE in a campaign this short is required.
    expect(statuses.filter((t) => t === "NEW")).toHaveLength(r.found.length);
  });

  it("records each finding's origin: engine, seeds, shard, worker, the scenario's words", async () => {
    const dir = tempDir();
    const r = await runFuzz(options(dir, { seed: 2, shard: { index: 1, count: 3 }, crashesDir: null }));
    expect(r.found.length).toBeGreaterThan(0);
    for (const f of r.found) {
      expect(f.stored).toBe(f.finding.severity === "info" ? "info" : "unstored");
      expect(f.path).toBeNull();
      // Shard 1 of 3 draws from seed 2·3 + 1.
      expect(f.origin).toMatchObject({
        engine: "random",
        campaignSeed: 2,
        seed: 7,
        shard: { index: 1, count: 3 },
        worker: { index: 0, count: 1 },
        execs: f.execs,
        fastCheck: null,
      });
      expect(f.origin.label).toMatch(/^random seed 7 scenario \d+$/);
      expect(f.file.found).toEqual({ engine: "random", seed: "2", execs: f.execs });
    }
  });

  it("gives the property engine's findings fast-check's seed and path", async () => {
    const dir = tempDir();
    const r = await runFuzz(options(dir, { engine: "property", runs: 400, minimize: false, crashesDir: null }));
    expect(r.found.length).toBeGreaterThan(0);
    for (const f of r.found) {
      expect(f.origin.fastCheck).not.toBeNull();
      expect(f.origin.fastCheck!.path).toMatch(/^\d+(:\d+)*$/);
      expect(f.origin.label).toBe(`property seed ${f.origin.fastCheck!.seed}`);
    }
  });

  it("names the worker thread that found each signature", async () => {
    const dir = tempDir();
    const r = await runFuzz(options(dir, { jobs: 2, runs: 600, minimize: false, crashesDir: null }));
    expect(r.workerErrors).toEqual([]);
    expect(r.found.length).toBeGreaterThan(0);
    for (const f of r.found) {
      expect(f.origin.worker.count).toBe(2);
      // Worker j of 2 draws from seed 3·2 + j.
      expect(f.origin.seed).toBe(6 + f.origin.worker.index);
      expect(f.run.findings.map((g) => g.signature)).toContain(f.finding.signature);
    }
  }, 120_000);

  it("is an options object it does not change", () => {
    const o = options("x");
    expect(Object.isFrozen(o)).toBe(true);
    expect(withOptions(o, { seed: 9 })).toMatchObject({ seed: 9, impl: "posted" });
    expect(o.seed).toBe(3);
  });
});
