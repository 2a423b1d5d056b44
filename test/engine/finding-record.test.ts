import { describe, expect, it } from "vitest";
import { runPair } from "../../src/diff/run-pair";
import { findingRecord } from "../../src/engine/finding-record";
import { implementation } from "../../src/impls";
import { eventText } from "../../src/report/events-text";
import { findingWords } from "../../src/report/finding-words";
import { profileWords } from "../../src/report/profile-words";
import { amdCpu, MMIO_BAR, scenario } from "../port/fixtures";

const FOUND = { engine: "random", seed: "7", execs: 3 };
const SC = { ...scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] }), note: "n", expect: {} };

describe("findingRecord", () => {
  it("records both sides' events at the divergent step, the profile, and the scenario without note or expectation", () => {
    const A = implementation("pre-patch");
    const B = implementation("reference");
    const run = runPair(SC, A, B);
    const finding = run.findings.find((f) => f.class === "exit-mismatch")!;
    const file = findingRecord({ finding, scenario: SC, run }, A, B, null, FOUND);
    expect(file).toMatchObject({
      class: finding.class,
      severity: finding.severity,
      signature: finding.signature,
      impl: "pre-patch",
      against: "reference",
      step: 0,
      profile: profileWords(SC),
      found: FOUND,
    });
    // One plain sentence for the signature; the profile has its own field.
    expect(file.summary).toBe(findingWords(finding.signature));
    expect(file.sides.A).toEqual(run.a!.steps[0]!.events.map(eventText));
    expect(file.sides.B).toEqual(run.b!.steps[0]!.events.map(eventText));
    expect(file).toMatchObject({ introduced: null, baseline: null, basis: "spec", policyRules: [] });
    expect(file.scenario.note).toBeUndefined();
    expect(file.scenario.expect).toBeUndefined();
  });

  it("records VM creation for a creation finding, and the PTEs for a PTE finding", () => {
    // PhysAddrSize 52 and no reduction: no nested-PTE bit is reserved, so the reference refuses an SEV-ES VM it
    // could not raise #VC for; posted creates it.
    const sc = scenario({ cpus: [amdCpu({ addrSizes: 0x3034, cbit: 51, red: 0 })], steps: SC.steps });
    const A = implementation("posted");
    const B = implementation("reference");
    const run = runPair(sc, A, B);
    const create = run.findings.find((f) => f.step === -1)!;
    const file = findingRecord({ finding: create, scenario: sc, run }, A, B, implementation("pre-patch"), FOUND);
    expect(file.sides.A[0]).toBe("VM created");
    // The tree before the patch creates it as well; the reference refuses by a policy rule; no real CPU has it.
    expect(file).toMatchObject({
      reach: { kind: "exotic-cpuid", realProfiles: [] },
      introduced: false,
      baseline: "pre-patch",
      basis: "policy",
      policyRules: ["sevEsNeedsReservedBits"],
    });
    expect(file.sides.B[0]).toMatch(/^VM creation fails: errno \d+/);
    const ptes = findingRecord({ finding: { ...create, step: null }, scenario: sc, run }, A, B, null, FOUND);
    expect(ptes.sides.A.every((l) => /^gpa 0x[0-9a-f]+: pte 0x[0-9a-f]+$/.test(l))).toBe(true);
  });

  it("takes both sides from the run it is given: the scenario is not run again", () => {
    const A = implementation("pre-patch");
    const B = implementation("reference");
    const run = runPair(SC, A, B);
    const finding = run.findings.find((f) => f.class === "exit-mismatch")!;
    const [ra, rb] = [run.a!, run.b!];
    const marked = {
      ...run,
      a: { ...ra, steps: [{ ...ra.steps[0]!, events: [{ kind: "vm-error", errno: 99 }] }] },
      b: { ...rb, steps: [] },
    } as typeof run;
    const file = findingRecord({ finding, scenario: SC, run: marked }, A, B, null, FOUND);
    expect(file.sides.A).toEqual(marked.a!.steps[0]!.events.map(eventText));
    expect(file.sides.B).toEqual(["(not run: the VM or host stopped)"]);
  });
});
