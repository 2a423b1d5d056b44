import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { decodeSummary, encodeSummary } from "../../src/report/summary-json";
import { decodeFindingFile } from "../../src/store/finding-file";
import { summary } from "../report/fixtures";
import { cli, tempDir } from "./helpers";

const shardNightly = (dir: string, shard: string) =>
  cli(
    "nightly",
    ...["--time", "300", "--runs", "900", "--jobs", "1", "--seed", "9", "--quiet", "--shard", shard],
    ...["--out", join(dir, `shard-${shard[0]}`), "--known", join(dir, "nothing")],
  );

describe("merge", () => {
  it("merges shard folders into one summary and one crashes/ without duplicates", async () => {
    const dir = tempDir();
    expect((await shardNightly(dir, "0/2")).code).toBe(1);
    expect((await shardNightly(dir, "1/2")).code).toBe(1);
    const shards = [0, 1].map((i) => decodeSummary(readFileSync(join(dir, `shard-${i}`, "summary.json"), "utf8")));
    const out = join(dir, "merged");
    const r = await cli("merge", join(dir, "shard-0"), join(dir, "shard-1"), "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    const merged = decodeSummary(readFileSync(join(out, "summary.json"), "utf8"));
    const signatures = new Set(shards.flatMap((s) => s.findings.map((f) => f.signature)));
    expect(merged.findings.map((f) => f.signature).sort()).toEqual([...signatures].sort());
    expect(merged.mergedShards).toEqual(["0/2", "1/2"]);
    expect(merged.runs).toHaveLength(6);
    expect(merged.sweep!.pointsInShard).toBe(merged.sweep!.pointsTotal);
    for (const f of merged.findings) {
      const hits = shards.flatMap((s) => s.findings.filter((g) => g.signature === f.signature).map((g) => g.hits));
      expect(f.hits).toBe(hits.reduce((a, b) => a + b, 0));
    }
    const files = readdirSync(join(out, "crashes"));
    const stored = merged.findings.filter((f) => f.file !== "");
    expect(files.sort()).toEqual(stored.map((f) => f.file.slice("crashes/".length)).sort());
    const fileSignatures = files.map((n) => decodeFindingFile(readFileSync(join(out, "crashes", n), "utf8")).signature);
    expect(new Set(fileSignatures).size).toBe(files.length);
    for (const name of ["summary.md", "summary.html", "map.svg"]) expect(readdirSync(out)).toContain(name);
  });

  it("exits 0 when nothing merged is new", async () => {
    const dir = tempDir();
    const s = summary({ findings: [] });
    for (const d of ["a", "b"]) {
      mkdirSync(join(dir, d));
      writeFileSync(join(dir, d, "summary.json"), encodeSummary(s));
    }
    const r = await cli("merge", join(dir, "a"), join(dir, "b"), "--out", join(dir, "m"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("merged 2 folders: 0 signatures (0 new)");
  });

  it("rejects a folder without summary.json, different implementations and missing --out with exit 2", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "a", "summary.json"), encodeSummary(summary()));
    writeFileSync(join(dir, "b", "summary.json"), encodeSummary(summary({ impl: "proposed" })));
    const missing = await cli("merge", join(dir, "a"), join(dir, "none"), "--out", join(dir, "m"));
    expect(missing).toEqual({
      code: 2,
      out: "",
      err: `vmm-difffuzz merge: ${join(dir, "none", "summary.json")}: (file): cannot read: ENOENT\n`,
    });
    const odd = await cli("merge", join(dir, "a"), join(dir, "b"), "--out", join(dir, "m"));
    expect(odd.code).toBe(2);
    expect(odd.err).toBe(
      "vmm-difffuzz merge: summaries of different implementations (posted vs reference, proposed vs reference) cannot be merged\n",
    );
    expect((await cli("merge", join(dir, "a"))).err).toBe(
      "vmm-difffuzz merge: needs --out DIR (where the merged folder goes)\n",
    );
  });
});
