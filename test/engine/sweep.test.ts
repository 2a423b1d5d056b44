import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import { originText, type EngineContext } from "../../src/engine/campaign";
import {
  pointWords,
  probeSteps,
  PROBE_MEMORY,
  SWEEP_AXES,
  SWEEP_POINTS,
  sweepCpu,
  sweepEngine,
  sweepPoint,
  sweepScenario,
  type SweepPoint,
} from "../../src/engine/sweep";
import { realismKey } from "../../src/engine/sweep-order";
import { fieldsOfCpu, PROFILES, profileNames } from "../../src/scenario/profiles";
import { checkScenario } from "../../src/scenario/validate";
import { GUEST_KINDS, guestKind, type Scenario } from "../../src/scenario/types";

/** The point number of `p`, the C-bit varying fastest (the inverse sweepPoint must have). */
function indexOf(p: SweepPoint): number {
  const kind = GUEST_KINDS.indexOf(p.kind);
  return p.cBit + 64 * (p.reduction + 64 * (p.physAddrSize + 256 * ((p.memEncrypt ? 1 : 0) + 2 * kind)));
}

/** Runs a sweep shard with a context that records what it is given and stops after `limit` executions. */
function runShard(shard: number, shards: number, limit = Infinity) {
  const runs: { scenario: Scenario; origin: string }[] = [];
  const points: number[] = [];
  const ctx: EngineContext = {
    execute: (scenario, origin) => {
      runs.push({ scenario, origin: originText(origin ?? "") });
      return [];
    },
    shouldStop: () => runs.length >= limit,
    addExecs: () => {},
    remainingMs: () => Infinity,
  };
  sweepEngine(shard, shards, (p) => {
    const i = indexOf(p);
    if (points.at(-1) !== i) points.push(i);
  })(ctx);
  return { runs, points };
}

describe("the sweep space", () => {
  it("has PhysAddrSize 0-255 x reduction 0-63 x C-bit 0-63 x memEncrypt x guest kind points", () => {
    expect(SWEEP_AXES).toEqual({ physAddrSize: 256, reduction: 64, cBit: 64, memEncrypt: 2, kind: 3 });
    expect(SWEEP_POINTS).toBe(256 * 64 * 64 * 2 * 3);
  });

  it("numbers every point of the space exactly once", () => {
    for (let i = 0; i < SWEEP_POINTS; i++) {
      const p = sweepPoint(i);
      if (indexOf(p) !== i || p.physAddrSize > 255 || p.reduction > 63 || p.cBit > 63) {
        throw new Error(`point ${i} is ${pointWords(p)}`);
      }
    }
  });

  it("varies the C-bit fastest and the guest kind slowest", () => {
    expect(sweepPoint(0)).toEqual({ physAddrSize: 0, reduction: 0, cBit: 0, memEncrypt: false, kind: "plain" });
    expect(sweepPoint(1).cBit).toBe(1);
    expect(sweepPoint(64)).toMatchObject({ cBit: 0, reduction: 1 });
    expect(sweepPoint(SWEEP_POINTS - 1)).toEqual({
      physAddrSize: 255,
      reduction: 63,
      cBit: 63,
      memEncrypt: true,
      kind: "sev-es",
    });
  });
});

describe("sweep shards", () => {
  it("cover the blocks floor(points x i / n) puts them at, so n shards cover the space once", () => {
    for (const n of [1, 2, 3, 7]) {
      for (let sh = 0; sh < n; sh++) {
        const first = runShard(sh, n, 1).points[0]!;
        expect(first).toBeGreaterThanOrEqual(Math.floor((SWEEP_POINTS * sh) / n));
        expect(first).toBeLessThan(Math.floor((SWEEP_POINTS * (sh + 1)) / n));
      }
    }
  });

  it("run every point of a small shard, each once, and nothing of the next", () => {
    const n = SWEEP_POINTS / 4; // four points per shard
    for (const s of [0, 1, 12345, n - 1]) {
      expect([...runShard(s, n).points].sort((a, b) => a - b)).toEqual([4 * s, 4 * s + 1, 4 * s + 2, 4 * s + 3]);
    }
  });

  it("split an uneven space without gap or overlap", () => {
    const n = Math.floor(SWEEP_POINTS / 3) + 1; // two or three points per shard
    let next = 0;
    for (let s = 0; s < 40; s++) {
      const points = [...runShard(s, n).points].sort((a, b) => a - b);
      points.forEach((p, k) => expect(p).toBe(next + k));
      next += points.length;
    }
    const last = runShard(n - 1, n).points;
    expect(Math.max(...last)).toBe(SWEEP_POINTS - 1);
  });

  it("visit the catalog's real CPUs first, then further and further from them", () => {
    const { points } = runShard(0, 6, 40_000);
    const keys = points.map((i) => realismKey(sweepPoint(i)));
    for (let k = 1; k < keys.length; k++) expect(keys[k]!).toBeGreaterThanOrEqual(keys[k - 1]!);
    const real = profileNames().map((name) => fieldsOfCpu(PROFILES[name].cpu));
    const firstTriples = new Set(
      points.slice(0, 64).map((i) => {
        const p = sweepPoint(i);
        return `${p.physAddrSize}/${p.reduction}/${p.cBit}`;
      }),
    );
    for (const f of real) expect(firstTriples).toContain(`${f.physAddrSize}/${f.reduction}/${f.cBit}`);
    // A 10 000-point start stays within 10 values of real hardware on every axis (23 x 16 x 23 points within 9).
    for (const i of points.slice(0, 10_000)) expect(realismKey(sweepPoint(i))).toBeLessThan(11 * 1024);
  });

  it("run each probe of a point, naming the point and probe in the origin", () => {
    const i = SWEEP_POINTS - 1; // an SEV-ES point: every probe runs
    const p = sweepPoint(i);
    const { runs } = runShard(i, SWEEP_POINTS);
    expect(runs.map((r) => r.origin)).toEqual(
      probeSteps(p.kind).map((probe) => `sweep point ${i} (${pointWords(p)}) probe ${probe.name}`),
    );
    expect(runs.map((r) => r.scenario)).toEqual(probeSteps(p.kind).map((probe) => sweepScenario(p, probe.steps)));
  });

  it("stop as soon as the campaign says so", () => {
    expect(runShard(0, 1, 7).runs).toHaveLength(7);
  });
});

describe("probe scenarios", () => {
  it("are valid scenarios for every guest kind, and only SEV-ES guests get GHCB and MMIO NAE steps", () => {
    for (const kind of GUEST_KINDS) {
      const p: SweepPoint = { physAddrSize: 48, reduction: 5, cBit: 47, memEncrypt: true, kind };
      for (const probe of probeSteps(kind)) {
        const s = sweepScenario(p, probe.steps);
        expect(checkScenario(s), `${kind} ${probe.name}`).toBeNull();
        expect(guestKind(s.guest)).toBe(kind);
        const naeOrGhcb = probe.steps.some((st) => st.op === "ghcb" || st.op === "mmio-nae");
        if (kind !== "sev-es") expect(naeOrGhcb).toBe(false);
      }
    }
    expect(probeSteps("sev-es").some((p) => p.steps.some((s) => s.op === "mmio-nae"))).toBe(true);
  });

  it("touch RAM, the MMIO window and the gap of the probe memory map", () => {
    const gpas = probeSteps("sev-es").flatMap((p) => p.steps.map((s) => s.gpa));
    const typeOf = (gpa: bigint) => PROBE_MEMORY.find((r) => gpa >= r.gpa && gpa < r.gpa + r.size)?.type ?? "gap";
    expect(new Set(gpas.map(typeOf))).toEqual(new Set(["ram", "mmio", "gap"]));
  });

  it("run on a CPU that reports the point's three fields, capped at 52 by the hardware", () => {
    for (const [phys, red, cbit] of [
      [48, 5, 47],
      [52, 6, 51],
      [200, 63, 63],
      [0, 0, 0],
    ] as const) {
      const hw = hardwareOf(sweepCpu({ physAddrSize: phys, reduction: red, cBit: cbit }), true, 1n << 36n);
      expect(hw.physAddrSize).toBe(Math.min(phys, 52));
      if (hw.encryptionActive) expect([hw.cBit, hw.reduction]).toEqual([cbit, red]);
      expect(hw.sevEs).toBe(true);
    }
  });
});
