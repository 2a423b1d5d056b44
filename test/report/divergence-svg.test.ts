import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { CELL_CODES } from "../../src/engine/divergence-map";
import { divergenceSvg, panelGrid, panelTitle, xOfPhysAddrSize } from "../../src/report/divergence-svg";
import { MAP_PALETTE } from "../../src/report/map-palette";
import { profileNames } from "../../src/scenario/profiles";
import { panel } from "./fixtures";

type Node = Record<string, unknown>;

/** Every element named `tag` in a parsed document (preserveOrder form), depth first. */
function elements(nodes: Node[], tag: string, out: Node[] = []): Node[] {
  for (const n of nodes) {
    if (tag in n) out.push(n);
    for (const [k, v] of Object.entries(n)) if (k !== ":@" && Array.isArray(v)) elements(v as Node[], tag, out);
  }
  return out;
}

const attrs = (n: Node) => (n[":@"] ?? {}) as Record<string, string>;
const text = (n: Node, tag: string) => ((n[tag] as Node[]) ?? []).map((c) => String(c["#text"] ?? "")).join("");

function parse(svg: string): Node[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  return new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg) as Node[];
}

const map = [
  panel({ kind: "sev-es", memEncrypt: true, cbitPlacement: "window-upper" }, [
    [52, 6, CELL_CODES.security],
    [48, 5, CELL_CODES.crash],
  ]),
  panel({ kind: "plain", memEncrypt: false, cbitPlacement: "below-window" }, [], CELL_CODES.info),
];

describe("divergence map SVG", () => {
  it("gives PhysAddrSize 0..63 (every value x86 defines) four fifths of the x axis, the rest the last fifth", () => {
    const width = xOfPhysAddrSize(256);
    expect(xOfPhysAddrSize(64) / width).toBeCloseTo(0.8);
    expect(xOfPhysAddrSize(0)).toBe(0);
    for (let v = 0; v < 256; v++) expect(xOfPhysAddrSize(v + 1)).toBeGreaterThan(xOfPhysAddrSize(v));
  });

  it("is well-formed XML with one titled panel per guest kind × memEncrypt × C-bit placement", () => {
    const doc = parse(divergenceSvg(map, { title: "map <&> test" }));
    const panels = elements(doc, "g").filter((g) => attrs(g).class === "panel");
    expect(panels).toHaveLength(24);
    const titles = elements(doc, "text")
      .filter((t) => attrs(t).class === "panel-title")
      .map((t) => text(t, "text"));
    expect(titles).toEqual(panelGrid().map(panelTitle));
    expect(new Set(titles).size).toBe(24);
  });

  it("has a legend entry for every colour and for the profile marker", () => {
    const doc = parse(divergenceSvg(map));
    const entries = elements(doc, "g").filter((g) => attrs(g).class === "legend-entry");
    expect(entries.map((e) => attrs(e)["data-kind"])).toEqual([...MAP_PALETTE.map((p) => p.kind), "profile"]);
    expect(new Set(MAP_PALETTE.map((p) => p.colour)).size).toBe(MAP_PALETTE.length);
  });

  it("labels axes with ticks and colours cells by their worst severity", () => {
    const svg = divergenceSvg(map);
    const doc = parse(svg);
    const axisTitles = elements(doc, "text")
      .filter((t) => attrs(t).class === "axis-title")
      .map((t) => text(t, "text"));
    expect(axisTitles.filter((t) => t === "PhysAddrSize (64–255 squeezed)")).toHaveLength(24);
    expect(axisTitles.filter((t) => t === "PhysAddrReduction")).toHaveLength(24);
    const tickLabels = elements(doc, "text").map((t) => text(t, "text"));
    for (const tick of ["0", "16", "32", "48", "64", "255"]) expect(tickLabels).toContain(tick);
    const severities = elements(doc, "path").map((p) => attrs(p)["data-severity"]);
    expect(severities).toEqual(expect.arrayContaining(["security", "crash", "agree", "info"]));
    expect(svg).toContain("not run");
  });

  it("marks and labels every real CPU profile on the panels where it belongs", () => {
    const doc = parse(divergenceSvg([]));
    const labels = elements(doc, "text")
      .filter((t) => attrs(t).class === "profile-label")
      .map((t) => text(t, "text"));
    for (const name of profileNames()) expect(labels.join(", ")).toContain(name);
    const panels = elements(doc, "g").filter((g) => attrs(g).class === "panel");
    const labelsOn = (kind: string, mem: string, placement: string) => {
      const g = panels.find(
        (p) =>
          attrs(p)["data-kind"] === kind &&
          attrs(p)["data-mem-encrypt"] === mem &&
          attrs(p)["data-placement"] === placement,
      )!;
      return elements(g.g as Node[], "text")
        .filter((t) => attrs(t).class === "profile-label")
        .map((t) => text(t, "text"));
    };
    expect(labelsOn("sev-es", "true", "window-upper").join(", ")).toContain("epyc-9124");
    expect(labelsOn("sev-es", "true", "window-upper").join(", ")).not.toContain("zen1-naples");
    expect(labelsOn("plain", "false", "window-bottom")).toEqual(["qemu-sev-guest"]);
    expect(labelsOn("plain", "true", "window-bottom")).toEqual([]);
    expect(labelsOn("sev", "true", "above-window")).toEqual(["milan"]);
  });
});
