import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { CELL_CODES } from "../../src/engine/divergence-map";
import { summaryHtml } from "../../src/report/summary-html";
import { encodeSummary } from "../../src/report/summary-json";
import { summaryMarkdown } from "../../src/report/summary-md";
import { panel, summary } from "../report/fixtures";
import { cli, tempDir } from "./helpers";

describe("report", () => {
  it("renders summary.md, summary.html and map.svg again from summary.json", async () => {
    const dir = tempDir();
    const s = summary({
      map: [panel({ kind: "sev-es", memEncrypt: true, cbitPlacement: "window-upper" }, [[52, 6, CELL_CODES.crash]])],
    });
    writeFileSync(join(dir, "summary.json"), encodeSummary(s));
    const r = await cli("report", dir);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toBe(summaryMarkdown(s));
    expect(readFileSync(join(dir, "summary.html"), "utf8")).toBe(summaryHtml(s));
    expect(readFileSync(join(dir, "map.svg"), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const other = join(dir, "other");
    expect((await cli("report", dir, "--out", other)).code).toBe(0);
    expect(readFileSync(join(other, "summary.json"), "utf8")).toBe(encodeSummary(s));
  });

  it("names the file and JSON path of a bad summary.json; exit 2", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "x"));
    writeFileSync(join(dir, "x", "summary.json"), JSON.stringify({ ...summary(), seed: -1 }));
    expect(await cli("report", join(dir, "x"))).toEqual({
      code: 2,
      out: "",
      err: `vmm-difffuzz report: ${join(dir, "x", "summary.json")}: seed: must be between 0 and ${Number.MAX_SAFE_INTEGER}\n`,
    });
    expect((await cli("report")).err).toBe("vmm-difffuzz report: needs exactly one folder holding summary.json\n");
  });
});
