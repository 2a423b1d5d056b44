import { describe, expect, it } from "vitest";
import {
  catalogMarkdown,
  catalogRows,
  seriesMarkdown,
  seriesTable,
  seriesText,
  spliceTable,
  TABLE_BEGIN,
  TABLE_END,
  type VariantHits,
} from "../../src/report/series-table";

const col = (variant: string, hits: Record<string, number>): VariantHits => ({
  variant,
  hits: new Map(
    Object.entries(hits).map(([sig, count]) => [
      sig,
      { count, severity: sig.startsWith("pte-bits") ? "info" : sig.startsWith("host") ? "crash" : "functional" },
    ]),
  ),
});

describe("the series table", () => {
  const table = seriesTable(
    [
      col("pre-patch", { "a|x": 3, "pte-bits|y": 1 }),
      col("posted", { "host|z": 2, "a|x": 3 }),
      col("s-1", { "a|x": 1 }),
      col("s-2", { "pte-bits|y": 4, "b|w": 1 }),
    ],
    "pre-patch",
    ["s-1", "s-2"],
  );

  it("has a row per signature, worst first, hits per column, and the patch that removes or adds it", () => {
    expect(table.variants).toEqual(["pre-patch", "posted", "s-1", "s-2"]);
    expect(table.rows.map((r) => [r.signature, r.hits, r.removedBy, r.addedBy])).toEqual([
      ["host|z", [0, 2, 0, 0], [], []], // only posted: no part of the series
      ["a|x", [3, 3, 1, 0], [2], []],
      ["b|w", [0, 0, 0, 1], [], [2]],
      ["pte-bits|y", [1, 0, 0, 4], [1], [2]],
    ]);
  });

  it("renders text and Markdown with '-' for no hits and ADDED in capitals", () => {
    const text = seriesText(table);
    expect(text.split("\n")[0]).toMatch(/^severity\s+pre-patch\s+posted\s+s-1\s+s-2\s+series\s+finding$/);
    expect(text).toMatch(/functional\s+3\s+3\s+1\s+-\s+removed by 0002\s+a\|x/);
    expect(text).toMatch(/functional\s+-\s+-\s+-\s+1\s+ADDED by 0002\s+b\|w/);
    const md = seriesMarkdown(table).split("\n");
    expect(md[0]).toBe("| finding | severity | pre-patch | posted | s-1 | s-2 | series |");
    expect(md[1]).toBe("|---|---|---:|---:|---:|---:|---|");
    expect(md).toContain("| `a\\|x` | functional | 3 | 3 | 1 | - | removed by 0002 |");
    expect(md).toContain("| `pte-bits\\|y` | info | 1 | - | - | 4 | removed by 0001; ADDED by 0002 |");
  });

  it("refuses to build without a column for the base or a prefix", () => {
    expect(() => seriesTable([col("posted", {})], "pre-patch", [])).toThrow(/no column for pre-patch/);
  });
});

describe("the catalog table", () => {
  it("groups by profile and finding, lists where it shows, and says none for a clean profile", () => {
    const hit = (profile: string, signature: string, probe: string, kind = "sev-es") => ({
      profile,
      kind,
      memEncrypt: true,
      probe,
      signature,
      severity: signature.startsWith("host") ? ("crash" as const) : ("functional" as const),
    });
    const rows = catalogRows([
      hit("rome", "m|x", "mmio-nae"),
      hit("rome", "host|g", "ghcb-mmio"),
      hit("rome", "host|g", "ghcb-mmio"),
      hit("genoa", "host|g", "pvclock-mmio"),
    ]);
    expect(rows).toEqual([
      { profile: "rome", signature: "host|g", severity: "crash", where: ["sev-es/enc:ghcb-mmio"] },
      { profile: "rome", signature: "m|x", severity: "functional", where: ["sev-es/enc:mmio-nae"] },
      { profile: "genoa", signature: "host|g", severity: "crash", where: ["sev-es/enc:pvclock-mmio"] },
    ]);
    const md = catalogMarkdown("posted", rows, ["naples", "rome", "genoa"]).split("\n");
    expect(md[0]).toBe("| CPU profile | severity | finding of `posted` | guest/SYSCFG:probe |");
    expect(md).toContain("| naples | - | none | |");
    expect(md).toContain("| rome | crash | `host\\|g` | sev-es/enc:ghcb-mmio |");
  });
});

describe("splicing the table into a cover letter", () => {
  it("replaces what stands between the markers and keeps the rest", () => {
    const letter = `a\n${TABLE_BEGIN}\nold\n${TABLE_END}\nb\n`;
    expect(spliceTable(letter, "new\n")).toBe(`a\n${TABLE_BEGIN}\nnew\n${TABLE_END}\nb\n`);
    expect(spliceTable(spliceTable(letter, "new\n")!, "newer\n")).toBe(`a\n${TABLE_BEGIN}\nnewer\n${TABLE_END}\nb\n`);
  });

  it("gives null without both markers in order", () => {
    expect(spliceTable("a\n", "x")).toBeNull();
    expect(spliceTable(`${TABLE_END}\n${TABLE_BEGIN}\n`, "x")).toBeNull();
  });
});
