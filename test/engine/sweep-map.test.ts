import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rangesText, spreadText, SweepMap } from "../../src/engine/sweep-map";
import type { SweepPoint } from "../../src/engine/sweep";

const point = (over: Partial<SweepPoint> = {}): SweepPoint => ({
  physAddrSize: 48,
  reduction: 5,
  cBit: 47,
  memEncrypt: true,
  kind: "sev-es",
  ...over,
});

/** Parses "0-47,49" back into its numbers ("all" = 0..size-1). */
function parseRanges(text: string, size: number): number[] {
  if (text === "all") return Array.from({ length: size }, (_, i) => i);
  if (text === "") return [];
  return text.split(",").flatMap((part) => {
    const [lo, hi] = part.split("-").map(Number);
    return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, k) => lo! + k);
  });
}

describe("rangesText", () => {
  it("writes runs of consecutive values as lo-hi and single values alone, in order", () => {
    const values = new Set([
      49,
      ...Array.from({ length: 48 }, (_, i) => i),
      ...Array.from({ length: 204 }, (_, i) => 52 + i),
    ]);
    expect(rangesText(values, 256)).toBe("0-47,49,52-255");
    expect(rangesText(new Set([5]), 64)).toBe("5");
    expect(rangesText(new Set([3, 1, 2, 9]), 64)).toBe("1-3,9");
    expect(rangesText(new Set(), 64)).toBe("");
  });

  it("says all when every value of the axis is there", () => {
    expect(rangesText(new Set(Array.from({ length: 64 }, (_, i) => i)), 64)).toBe("all");
  });

  it("writes exactly the set it is given", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 }), (values) => {
        const text = rangesText(new Set(values), 64);
        expect(parseRanges(text, 64)).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});

describe("SweepMap", () => {
  it("counts a point once per signature however many probes hit it", () => {
    const m = new SweepMap();
    m.record(point(), ["s1"]);
    m.record(point(), ["s1", "s2"]);
    m.record(point(), ["s1"]);
    expect(m.spread.get("s1")!.points).toBe(1);
    expect(m.spread.get("s2")!.points).toBe(1);
  });

  it("counts distinct points and collects each axis's values", () => {
    const m = new SweepMap();
    m.record(point({ cBit: 47 }), ["s"]);
    m.record(point({ cBit: 51 }), ["s"]);
    m.record(point({ cBit: 51, memEncrypt: false, kind: "plain" }), ["s"]);
    m.record(point({ cBit: 30 }), []);
    const s = m.spread.get("s")!;
    expect(s.points).toBe(3);
    expect([...s.cBit].sort()).toEqual([47, 51]);
    expect(s.memEncrypt).toEqual(new Set([true, false]));
    expect(s.kind).toEqual(new Set(["sev-es", "plain"]));
    expect(m.spread.size).toBe(1);
  });

  it("describes a spread in words per axis", () => {
    const m = new SweepMap();
    for (const kind of ["plain", "sev", "sev-es"] as const) m.record(point({ kind, reduction: 0 }), ["s"]);
    m.record(point({ reduction: 1, physAddrSize: 49 }), ["s"]);
    expect(spreadText(m.spread.get("s")!)).toBe("phys_addrsz 48-49; phys_red 0-1; C-bit 47; memEncrypt on; guest any");
    const off = new SweepMap();
    off.record(point({ memEncrypt: false, kind: "sev" }), ["t"]);
    expect(spreadText(off.spread.get("t")!)).toContain("memEncrypt off; guest sev");
  });
});
