import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(__dirname, "..", "..");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: { shard: number[] }; "fail-fast"?: boolean };
  steps: Step[];
}

describe("nightly workflow", () => {
  const wf = parse(readFileSync(join(root, ".github", "workflows", "nightly.yml"), "utf8")) as {
    on: Record<string, unknown>;
    env: Record<string, string>;
    jobs: Record<string, Job>;
  };

  it("runs on a schedule and by hand", () => {
    expect(wf.on).toHaveProperty("schedule");
    expect(wf.on).toHaveProperty("workflow_dispatch");
  });

  it("runs the nightly as a matrix of shards, each with --shard i/N and its folder uploaded", () => {
    const shard = wf.jobs.shard!;
    const count = Number(wf.env.SHARDS);
    expect(shard.strategy!.matrix.shard).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(shard.strategy!["fail-fast"]).toBe(false);
    const run = shard.steps.map((s) => s.run ?? "").join("\n");
    expect(run).toContain("bash scripts/nightly.sh");
    expect(run).toContain('--shard "${{ matrix.shard }}/$SHARDS"');
    expect(run).toContain("--seed");
    const upload = shard.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    expect(upload.if).toBe("always()");
    expect(upload.with!.path).toBe("out/shard-${{ matrix.shard }}");
  });

  it("merges the shards' artifacts and uploads the merged folder", () => {
    const merge = wf.jobs.merge!;
    expect(merge.needs).toBe("shard");
    const download = merge.steps.find((s) => s.uses?.startsWith("actions/download-artifact"))!;
    expect(download.with!.pattern).toBe("nightly-shard-*");
    expect(merge.steps.map((s) => s.run ?? "").join("\n")).toContain(
      "node bin/vmm-difffuzz.js merge shards/nightly-shard-* --out merged",
    );
    expect(merge.steps.some((s) => s.uses?.startsWith("actions/upload-artifact") && s.with!.path === "merged")).toBe(
      true,
    );
  });
});

describe("scripts/nightly.sh", () => {
  const script = (...args: string[]) =>
    spawnSync("bash", [join(root, "scripts", "nightly.sh"), ...args], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, VMM_DIFFFUZZ_NO_BUILD: "1" },
    });

  it.each([[[]], [["--time", "5"]], [["--out", "x"]]])("exits 2 with one usage line for %j", (args) => {
    const r = script(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^usage: scripts\/nightly\.sh --time SECONDS --out DIR [^\n]*\n$/);
  });

  it("hands its options to `vmm-difffuzz nightly`", () => {
    const r = script("--time", "soon", "--out", "x");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vmm-difffuzz nightly: --time must be a positive number, not "soon"\n');
  });

  it("is what `npm run nightly` runs", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.nightly).toBe("bash scripts/nightly.sh");
  });
});
