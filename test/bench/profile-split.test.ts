import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { partOf, splitProfiles } from "../../bench/profile-split";

/** A profile whose samples each spend `dt` microseconds in the function named. */
function profile(samples: [functionName: string, url: string, dt: number][]): object {
  const nodes = samples.map(([functionName, url], i) => ({
    id: i + 1,
    callFrame: { functionName, url, lineNumber: 0 },
  }));
  return { nodes, samples: nodes.map((n) => n.id), timeDeltas: samples.map(([, , dt]) => dt) };
}

describe("splitProfiles", () => {
  it("splits the threads' profiles together by part, leaving idle time out", () => {
    const dir = mkdtempSync(join(tmpdir(), "profile-split-"));
    const main = join(dir, "main.cpuprofile");
    const worker = join(dir, "worker.cpuprofile");
    writeFileSync(
      main,
      JSON.stringify(
        profile([
          ["(idle)", "", 9000],
          ["load", "node:internal/x", 100],
        ]),
      ),
    );
    writeFileSync(
      worker,
      JSON.stringify(
        profile([
          ["vm_create", "file:///t/dist/src/port/vmm.js", 300],
          ["createDecision", "file:///t/dist/reference/create.js", 200],
          ["(garbage collector)", "", 100],
          ["runScenario", "file:///t/dist/src/cpu/vcpu.js", 300],
        ]),
      ),
    );
    const s = splitProfiles([main, worker], 2);
    expect(s.seconds).toBeCloseTo(0.001, 9);
    expect(s.share.A).toBeCloseTo(0.3, 9);
    expect(s.share.B).toBeCloseTo(0.2, 9);
    expect(s.share.machine).toBeCloseTo(0.3, 9);
    expect(s.share.GC).toBeCloseTo(0.1, 9);
    expect(s.share.other).toBeCloseTo(0.1, 9);
    expect(s.top).toEqual(["30.0% vm_create src/port/vmm.js:1", "30.0% runScenario src/cpu/vcpu.js:1"]);
  });

  it("names the part of each compiled file", () => {
    expect(partOf("src/port/hypervisor.js")).toBe("A");
    expect(partOf("reference/hypervisor.js")).toBe("B");
    expect(partOf("src/scenario/sampler.js")).toBe("sampler");
    expect(partOf("src/diff/diff.js")).toBe("diff");
    expect(partOf("src/cpu/vcpu.js")).toBe("machine");
    expect(partOf("(garbage collector)")).toBe("GC");
  });
});
