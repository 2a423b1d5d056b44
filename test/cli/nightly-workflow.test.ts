import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
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
  strategy?: { matrix: { shard: number[] | string; node?: number[] }; "fail-fast"?: boolean };
  steps: (Step & { id?: string; env?: Record<string, string> })[];
  "timeout-minutes"?: number;
  outputs?: Record<string, string>;
}

describe("nightly workflow", () => {
  const wf = parse(readFileSync(join(root, ".github", "workflows", "nightly.yml"), "utf8")) as {
    on: Record<string, unknown>;
    env: Record<string, string>;
    jobs: Record<string, Job>;
  };

  it("runs one at a time, every job with a time limit", () => {
    expect((wf as unknown as { concurrency: { group: string } }).concurrency.group).toBe("nightly");
    for (const [name, job] of Object.entries(wf.jobs)) expect(job["timeout-minutes"], name).toBeGreaterThan(0);
  });

  it("runs on a schedule and by hand", () => {
    expect(wf.on).toHaveProperty("schedule");
    expect(wf.on).toHaveProperty("workflow_dispatch");
  });

  it("runs the nightly as a matrix of shards, each with --shard i/N and its folder uploaded", () => {
    const shard = wf.jobs.shard!;
    const count = Number(wf.env.SHARDS);
    // The shard count is set once (env.SHARDS); the plan job's step turns it into the matrix's list.
    expect(shard.strategy!.matrix.shard).toBe("${{ fromJSON(needs.plan.outputs.shards) }}");
    const step = wf.jobs.plan!.steps.find((s) => s.id === "shards")!;
    const out = join(mkdtempSync(join(tmpdir(), "gh-output-")), "out");
    writeFileSync(out, "");
    spawnSync("bash", ["-c", step.run!], { env: { ...process.env, SHARDS: String(count), GITHUB_OUTPUT: out } });
    const list = /^shards=(.*)$/m.exec(readFileSync(out, "utf8"))![1]!;
    expect(JSON.parse(list)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(readFileSync(join(root, ".github", "workflows", "nightly.yml"), "utf8").match(/\b4\b/g)).toHaveLength(1);
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

describe("ci workflow", () => {
  const ci = parse(readFileSync(join(root, ".github", "workflows", "ci.yml"), "utf8")) as {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  };

  it("runs .ci/run on push and pull request on Node 20, 22 and 24, and publishes the JUnit XML", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
    const job = ci.jobs.test!;
    expect(job.strategy!.matrix.node).toEqual([20, 22, 24]);
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    const run = job.steps.find((s) => s.run === "bash .ci/run")!;
    expect(run.env).toEqual({ CI: "true" });
    expect(job.steps.some((s) => s.with?.path === "reports/junit.xml")).toBe(true);
    expect(job.steps.some((s) => s.with?.report_paths === "reports/junit.xml")).toBe(true);
  });

  it("vitest writes reports/junit.xml under CI=true (the regression replay's suite in it)", () => {
    const config = readFileSync(join(root, "vitest.config.mts"), "utf8");
    expect(config).toMatch(/reporters: ci \? \["default", "junit"\]/);
    expect(config).toContain('junit: "reports/junit.xml"');
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
