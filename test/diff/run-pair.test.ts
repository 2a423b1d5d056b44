import { describe, expect, it } from "vitest";
import type { Hypervisor } from "../../src/cpu/hypervisor";
import { runScenario } from "../../src/cpu/vcpu";
import { diffOutcomes } from "../../src/diff/diff";
import { runPair, type Implementation } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { MMIO_BAR, scenario } from "../port/fixtures";

const SC = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });

const throwsOnCreate: Implementation = {
  name: "broken",
  factory: () => {
    throw new Error("factory failed at 0x10");
  },
};

/** Creates the VM, then throws on the first exit (a bug in a hypervisor, not a host crash). */
const throwsOnExit: Implementation = {
  name: "broken-exit",
  factory: (): Hypervisor => ({
    name: "broken-exit",
    npt: new Map(),
    createVm: () => 0,
    vcpuSevEs: () => false,
    handleExit: () => {
      throw new TypeError("cannot read vmcb");
    },
    pvclock: () => ({ kind: "resume" }),
    wallclock: () => ({ kind: "resume" }),
    vmdPvclock: () => ({ kind: "resume" }),
  }),
};

describe("runPair", () => {
  it("diffs the two outcomes when both sides run", () => {
    const r = runPair(SC, implementation("pre-patch"), implementation("reference"));
    expect(r.a?.impl).toBe("pre-patch");
    expect(r.b?.impl).toBe("reference");
    const a = runScenario(SC, implementation("pre-patch").factory);
    const b = runScenario(SC, implementation("reference").factory);
    expect(r.findings).toEqual(diffOutcomes(SC, a, b));
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it("turns a throw of side A into an implementation-error finding and does not diff", () => {
    const r = runPair(SC, throwsOnCreate, implementation("reference"));
    expect(r.a).toBeNull();
    expect(r.b).not.toBeNull();
    expect(r.findings).toEqual([
      {
        class: "implementation-error",
        severity: "bug",
        signature: "implementation-error|A|broken|factory failed at X|sev-es",
        step: null,
        side: "A",
        detail: "broken threw: factory failed at 0x10",
        basis: "spec",
        policyRules: [],
      },
    ]);
  });

  it("catches a throw in the middle of a run, on side B", () => {
    const r = runPair(SC, implementation("posted"), throwsOnExit);
    expect(r.b).toBeNull();
    expect(r.findings.map((f) => [f.class, f.side, f.detail])).toEqual([
      ["implementation-error", "B", "broken-exit threw: cannot read vmcb"],
    ]);
  });

  it("reports both sides when both throw, A first", () => {
    const r = runPair(SC, throwsOnExit, throwsOnCreate);
    expect(r.findings.map((f) => f.side)).toEqual(["A", "B"]);
    expect(r.a).toBeNull();
    expect(r.b).toBeNull();
  });

  it("gives the same findings every time (no clock, no randomness)", () => {
    const one = runPair(SC, implementation("posted"), implementation("reference"));
    const two = runPair(SC, implementation("posted"), implementation("reference"));
    expect(two.findings).toEqual(one.findings);
    expect(two.a).toEqual(one.a);
  });
});
