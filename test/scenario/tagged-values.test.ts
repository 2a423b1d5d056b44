// The space's choices are tagged values (a field kept, set, flipped or related; a target in a range, at an earlier
// step, outside, absolute; a range start; a host RAM plan): every kind and every name is drawn.
import { describe, expect, it } from "vitest";
import { createGenSampler } from "../../src/scenario/sampler";
import { CORRUPTIONS, PLACES, POSITIONS, RELATIONS, targetGen, type FieldPick } from "../../src/scenario/space";
import { cpuPicksGen, PICKED_FIELDS } from "../../src/scenario/space/cpus";
import { corruptionPlanGen, ramPlanGen, rangePlanGen } from "../../src/scenario/space/memory";

function draws<T>(gen: Parameters<typeof createGenSampler<T>>[0], n: number): T[] {
  const s = createGenSampler(gen, "tagged");
  return Array.from({ length: n }, () => s.next());
}

const kinds = (values: readonly { kind: string }[]) => [...new Set(values.map((v) => v.kind))].sort();

describe("tagged values", () => {
  it("CPU picks: every field kept and set; encFeatures also flipped; reduction and C-bit by every relation", () => {
    const picks = draws(cpuPicksGen, 20000);
    expect(kinds(picks.map((p) => p.vendor))).toEqual(["keep", "set"]);
    for (const f of PICKED_FIELDS) expect(kinds(picks.map((p) => p[f])), f).toContain("set");
    expect(kinds(picks.map((p) => p.encFeatures))).toEqual(["flip", "keep", "set"]);
    const relations = (f: "reduction" | "cBit") =>
      new Set(
        picks
          .map((p) => p[f])
          .filter((p): p is Extract<FieldPick, { kind: "relative" }> => p.kind === "relative")
          .map((p) => p.relation),
      );
    expect([...relations("reduction")].sort()).toEqual([...RELATIONS.reduction].sort());
    expect([...relations("cBit")].sort()).toEqual([...RELATIONS.cBit].sort());
    const flips = new Set(picks.flatMap((p) => (p.encFeatures.kind === "flip" ? [p.encFeatures.bit] : [])));
    expect(flips.size).toBe(32);
  });

  it("targets: every kind, every position in a range, every place outside", () => {
    const targets = draws(targetGen, 20000);
    expect(kinds(targets)).toEqual(["absolute", "in-range", "outside", "same-address", "same-page"]);
    const positions = new Set(targets.flatMap((t) => (t.kind === "in-range" ? [t.at] : [])));
    expect([...positions].sort()).toEqual([...POSITIONS].sort());
    const places = new Set(targets.flatMap((t) => (t.kind === "outside" ? [t.place] : [])));
    expect([...places].sort()).toEqual([...PLACES].sort());
  });

  it("memory: ranges start after the previous one or jump; every corruption; every host RAM plan", () => {
    expect(kinds(draws(rangePlanGen, 2000).map((p) => p.start))).toEqual(["after", "jump"]);
    expect(new Set(draws(corruptionPlanGen, 2000).map((p) => p.how)).size).toBe(CORRUPTIONS.length);
    expect(kinds(draws(ramPlanGen, 2000))).toEqual(["default", "exact", "extra"]);
  });
});
