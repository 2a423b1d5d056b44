import { describe, expect, it } from "vitest";
import {
  CBIT_PLACEMENTS,
  cbitPlacement,
  CELL_CODES,
  DivergenceMap,
  MAP_HEIGHT,
  MAP_WIDTH,
} from "../../src/engine/divergence-map";
import type { SweepPoint } from "../../src/engine/sweep";

const point = (over: Partial<SweepPoint> = {}): SweepPoint => ({
  physAddrSize: 48,
  reduction: 5,
  cBit: 47,
  memEncrypt: true,
  kind: "sev-es",
  ...over,
});

const cell = (m: DivergenceMap, p: SweepPoint) => {
  const panel = m
    .panels()
    .find((x) => x.kind === p.kind && x.memEncrypt === p.memEncrypt && x.cbitPlacement === cbitPlacement(p));
  return panel?.rows[p.reduction]![p.physAddrSize];
};

describe("cbitPlacement", () => {
  it("places the C-bit relative to the reduction window [phys - red, phys - 1]", () => {
    expect(cbitPlacement({ physAddrSize: 48, reduction: 5, cBit: 42 })).toBe("below-window");
    expect(cbitPlacement({ physAddrSize: 48, reduction: 5, cBit: 43 })).toBe("window-bottom");
    expect(cbitPlacement({ physAddrSize: 48, reduction: 5, cBit: 47 })).toBe("window-upper");
    expect(cbitPlacement({ physAddrSize: 48, reduction: 5, cBit: 48 })).toBe("above-window");
    expect(cbitPlacement({ physAddrSize: 52, reduction: 6, cBit: 51 })).toBe("window-upper");
    // No window at all: the C-bit at PhysAddrSize is its bottom edge.
    expect(cbitPlacement({ physAddrSize: 48, reduction: 0, cBit: 48 })).toBe("window-bottom");
  });
});

describe("DivergenceMap", () => {
  it("marks a probed cell agree when nothing was found, and leaves others blank", () => {
    const m = new DivergenceMap();
    m.record(point(), []);
    const [panel] = m.panels();
    expect(panel!.rows).toHaveLength(MAP_HEIGHT);
    expect(panel!.rows.every((r) => r.length === MAP_WIDTH)).toBe(true);
    expect(panel!.rows[5]![48]).toBe(CELL_CODES.agree);
    expect(panel!.rows[5]![47]).toBe(CELL_CODES.none);
    expect(panel!.rows.join("").replace(/ /g, "")).toBe(".");
  });

  it("keeps the worst severity of a cell, whatever the order", () => {
    const m = new DivergenceMap();
    m.record(point(), ["info"]);
    m.record(point(), ["security", "ub"]);
    m.record(point(), ["functional"]);
    m.record(point(), []);
    expect(cell(m, point())).toBe(CELL_CODES.security);
  });

  it("ranks severities from info up to security", () => {
    const order = ["info", "ub", "bug", "functional", "crash", "security"] as const;
    order.forEach((sev, i) => {
      const m = new DivergenceMap();
      for (const mild of order.slice(0, i)) m.record(point(), [mild]);
      m.record(point(), [sev]);
      for (const mild of order.slice(0, i)) m.record(point(), [mild]);
      expect(cell(m, point())).toBe(CELL_CODES[sev]);
    });
  });

  it("lists only panels that were recorded, guest kinds in order, memEncrypt on before off", () => {
    const m = new DivergenceMap();
    m.record(point({ kind: "sev-es", memEncrypt: false }), []);
    m.record(point({ kind: "plain", cBit: 10 }), ["crash"]);
    m.record(point({ kind: "sev-es", memEncrypt: true, cBit: 60 }), []);
    expect(m.panels().map((p) => [p.kind, p.memEncrypt, p.cbitPlacement])).toEqual([
      ["plain", true, "below-window"],
      ["sev-es", true, "above-window"],
      ["sev-es", false, "window-upper"],
    ]);
    expect(CBIT_PLACEMENTS).toHaveLength(4);
  });

  it("merges another map's panels keeping the worst of each cell, and round-trips its own panels", () => {
    const a = new DivergenceMap();
    a.record(point(), ["info"]);
    a.record(point({ physAddrSize: 52, reduction: 6, cBit: 51 }), []);
    const b = new DivergenceMap();
    b.record(point(), ["crash"]);
    b.record(point({ kind: "plain" }), ["functional"]);
    a.merge(b.panels());
    expect(cell(a, point())).toBe(CELL_CODES.crash);
    expect(cell(a, point({ physAddrSize: 52, reduction: 6, cBit: 51 }))).toBe(CELL_CODES.agree);
    expect(cell(a, point({ kind: "plain" }))).toBe(CELL_CODES.functional);
    const copy = new DivergenceMap();
    copy.merge(a.panels());
    expect(copy.panels()).toEqual(a.panels());
    b.merge(a.panels());
    expect(b.panels()).toEqual(a.panels());
  });
});
