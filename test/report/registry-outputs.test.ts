// Every output that shows a severity or a class takes it from the registry: hand the renderers a changed registry
// and each output follows, with nothing else changed.
import { describe, expect, it } from "vitest";
import { REGISTRY, SEVERITIES, type Registry } from "../../src/diff/classes";
import { cellCodes } from "../../src/engine/divergence-map";
import { divergenceSvg } from "../../src/report/divergence-svg";
import { findingWords } from "../../src/report/finding-words";
import { MAP_PALETTE, mapPalette } from "../../src/report/map-palette";
import { statusLine } from "../../src/report/progress";
import { severityCss, summaryHtml } from "../../src/report/summary-html";
import { panel, summary } from "./fixtures";

const changed: Registry = {
  severities: {
    ...SEVERITIES,
    security: { ...SEVERITIES.security, colour: "#123456", ink: "#ABCDEF", label: "host secrets leak" },
    // bug and ub swap places.
    bug: { ...SEVERITIES.bug, rank: 4, short: "BUG" },
    ub: { ...SEVERITIES.ub, rank: 3, cell: "U" },
  },
  classes: {
    ...REGISTRY.classes,
    "pte-bits": { ...REGISTRY.classes["pte-bits"], words: { any: "only {bits} differ{guest}" } },
    "host-crash": {
      ...REGISTRY.classes["host-crash"],
      words: { ...REGISTRY.classes["host-crash"].words, directMap: "the host faults on the {purpose}{guest}" },
    },
  },
};

const securityCell = panel({ kind: "sev-es", memEncrypt: true, cbitPlacement: "window-upper" }, [
  [52, 6, SEVERITIES.security.cell],
]);

describe("outputs derived from a changed registry", () => {
  it("the map palette takes each severity's colour, label and order", () => {
    const palette = mapPalette(changed);
    expect(palette[0]).toEqual({
      kind: "security",
      code: "s",
      colour: "#123456",
      label: "security: host secrets leak",
    });
    expect(palette.map((p) => p.kind)).toEqual([
      "security",
      "crash",
      "functional",
      "ub",
      "bug",
      "info",
      "agree",
      "none",
    ]);
    expect(palette.find((p) => p.kind === "ub")!.code).toBe("U");
    expect(cellCodes(changed).ub).toBe("U");
  });

  it("the SVG map colours cells and writes its legend from the palette it is handed", () => {
    const svg = divergenceSvg([securityCell], { palette: mapPalette(changed) });
    expect(svg).toContain('data-severity="security" fill="#123456"');
    expect(svg).toContain(">security: host secrets leak</text>");
    expect(svg).not.toContain(SEVERITIES.security.colour);
  });

  it("the HTML report's badge rules and its inline map follow", () => {
    expect(severityCss(changed).split("\n")).toEqual([
      ".sev-security { background: #123456; color: #ABCDEF; }",
      `.sev-crash { background: ${SEVERITIES.crash.colour}; color: ${SEVERITIES.crash.ink}; }`,
      `.sev-functional { background: ${SEVERITIES.functional.colour}; color: ${SEVERITIES.functional.ink}; }`,
      `.sev-ub { background: ${SEVERITIES.ub.colour}; color: ${SEVERITIES.ub.ink}; }`,
      `.sev-bug { background: ${SEVERITIES.bug.colour}; color: ${SEVERITIES.bug.ink}; }`,
      `.sev-info { background: ${SEVERITIES.info.colour}; color: ${SEVERITIES.info.ink}; }`,
    ]);
    const html = summaryHtml(summary({ map: [securityCell] }), changed);
    expect(html).toContain(".sev-security { background: #123456; color: #ABCDEF; }");
    expect(html).toContain('data-severity="security" fill="#123456"');
    expect(html).toContain("security: host secrets leak");
    // Everything else is the same page.
    const before = summaryHtml(summary({ map: [securityCell] }));
    const strip = (page: string) =>
      page
        .replace(/^\.sev-.*$/gm, "")
        .replace(/#123456|#D55E00/g, "C")
        .replace(/<g class="legend">.*?<\/g><\/g>/s, "");
    expect(strip(html)).toBe(strip(before));
  });

  it("the finding words fill in each class's sentences", () => {
    expect(findingWords("pte-bits|both|bits:0x6+address|sev-es", undefined, changed)).toBe(
      "only bits 0x6 and the address field differ (SEV-ES guest)",
    );
    expect(findingWords("host-crash|A|direct-map:pvclock|sev", undefined, changed)).toBe(
      "the host faults on the pvclock page (SEV guest)",
    );
    expect(findingWords("host-crash|A|direct-map:pvclock|sev")).toBe(
      "the host crashes: it touches the pvclock page through the direct map where no memory is (SEV guest)",
    );
  });

  it("the status line names and orders the severities as the registry does", () => {
    const stats = {
      execs: 10,
      elapsedMs: 0,
      hits: new Map(),
      bySeverity: { security: 1, crash: 2, functional: 3, bug: 4, ub: 5, info: 6 },
    };
    expect(statusLine("DONE", stats, 1000, changed)).toBe(
      "#10 DONE 1.0s 10/s sigs 0 sec 1 crash 2 func 3 ub 5 BUG 4 info 6",
    );
  });

  it("leaves the default outputs alone", () => {
    expect(MAP_PALETTE[0]!.colour).toBe(SEVERITIES.security.colour);
    expect(severityCss()).toContain(`.sev-security { background: ${SEVERITIES.security.colour}; color: #fff; }`);
  });
});
