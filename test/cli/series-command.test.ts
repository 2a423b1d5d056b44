// `vmm-difffuzz series`: one table of findings × variants over a small budget, the same in Markdown, spliced into
// a cover letter between its markers; bad input is one line and exit 2.
import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { seriesColumns } from "../../src/cli/series-command";
import { TABLE_BEGIN, TABLE_END } from "../../src/report/series-table";
import { cli, tempDir, writeInput } from "./helpers";

// A small budget: every 4099th point of the sweep's profile space and 300 random scenarios per variant.
const SMALL = ["--sample", "4099", "--runs", "300"];

describe("vmm-difffuzz series", () => {
  it("prints one row per finding with the hits of pre-patch, posted and each prefix, and which patch removes it", async () => {
    const r = await cli("series", ...SMALL);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const head = lines.find((l) => l.startsWith("severity"))!;
    expect(head.split(/\s+/).slice(1, 11)).toEqual(seriesColumns());
    expect(seriesColumns()).toEqual(["pre-patch", "posted", ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `series-${n}`)]);
    const row = (sig: string) => lines.find((l) => l.endsWith(sig))!;
    // The C-bit refusal goes with 0001, SEV-ES without reserved bits with 0003, the #VC for MMIO comes with 0007,
    // the MMIO NAE event reaches vmd with 0008.
    expect(row("exit-mismatch|both|create|A:ok|B:refused(cBitReported)|sev-es")).toContain("removed by 0001");
    expect(row("exit-mismatch|both|create|A:ok|B:refused(sevEsNeedsReservedBits)|sev-es")).toContain("removed by 0003");
    expect(row("exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist|B:vc:0x400|sev-es")).toContain("removed by 0007");
    expect(row("exit-mismatch|both|mmio-nae|mmio|A:vm-error|B:vmd-exit:mmio-nae|sev-es")).toContain("removed by 0008");
    // What only the posted patch does is no part of the series.
    expect(row("host-crash|A|direct-map:ghcb|sev-es")).toMatch(/^crash\s+-\s+\d+(\s+-){8}\s+-\s+host-crash/);
    // No patch adds a finding above info; the last prefix has none above info.
    for (const l of lines.filter((l) => l.includes("ADDED"))) expect(l.startsWith("info")).toBe(true);
    expect(r.out).toContain("series-8: nothing above info");
    expect(r.err).toContain("series: posted…");
  }, 120_000);

  it("renders the same table in Markdown and writes it into a cover letter between its markers", async () => {
    const dir = tempDir();
    const letter = writeInput(dir, "0000-cover-letter.txt", `Subject: x\n\n${TABLE_BEGIN}\nold\n${TABLE_END}\nend\n`);
    const r = await cli("series", ...SMALL, "--markdown", letter);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^sweep: one point in 4099 of the profile space \(1535 points\); random: 300 scenarios; seed 1/,
    );
    expect(r.out).toContain(`| finding | severity | ${seriesColumns().join(" | ")} | series |`);
    expect(r.out).toContain(
      "| `exit-mismatch\\|both\\|create\\|A:ok\\|B:refused(cBitReported)\\|sev-es` | functional |",
    );
    expect(r.out).toContain("| zen2-rome | crash | `host-crash\\|A\\|direct-map:ghcb\\|sev-es` |");
    const text = readFileSync(letter, "utf8");
    expect(text).toBe(`Subject: x\n\n${TABLE_BEGIN}\n${r.out}${TABLE_END}\nend\n`);
  }, 120_000);

  it("gives the same bytes for the same seed and budget", async () => {
    const tiny = ["--sample", "65537", "--runs", "100", "--markdown"];
    const [a, b] = [await cli("series", ...tiny), await cli("series", ...tiny)];
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  }, 120_000);

  it("refuses a cover letter without markers, a missing file and two files: one line, exit 2", async () => {
    const dir = tempDir();
    const plain = writeInput(dir, "letter.txt", "no markers here\n");
    for (const [args, message] of [
      [[plain], `vmm-difffuzz series: ${plain}: no table markers (<!-- vmm-difffuzz series: begin/end -->)\n`],
      [[`${dir}/missing.txt`], `vmm-difffuzz series: ${dir}/missing.txt: ENOENT\n`],
      [[plain, plain], "vmm-difffuzz series: series takes at most one FILE (the cover letter)\n"],
      [["--runs", "0"], 'vmm-difffuzz series: --runs must be a positive number, not "0"\n'],
      [["--sample", "x"], 'vmm-difffuzz series: --sample must be a positive number, not "x"\n'],
    ] as const) {
      const r = await cli("series", ...args);
      expect(r.code).toBe(2);
      expect(r.err).toBe(message);
      expect(r.out).toBe("");
    }
    expect(readFileSync(plain, "utf8")).toBe("no markers here\n");
  });
});
