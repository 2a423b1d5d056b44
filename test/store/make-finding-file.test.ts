import { describe, expect, it } from "vitest";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { eventText } from "../../src/report/events-text";
import { findingWords } from "../../src/report/finding-words";
import { profileWords } from "../../src/report/profile-words";
import { makeFindingFile } from "../../src/store/make-finding-file";
import { amdCpu, MMIO_BAR, scenario } from "../port/fixtures";

const FOUND = { engine: "random", seed: "7", execs: 3 };
const SC = { ...scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] }), note: "n", expect: {} };

describe("makeFindingFile", () => {
  it("records both sides' events at the divergent step, the profile, and the scenario without note or expectation", () => {
    const A = implementation("pre-patch");
    const B = implementation("reference");
    const { a, b, findings } = runPair(SC, A, B);
    const finding = findings.find((f) => f.class === "exit-mismatch")!;
    const file = makeFindingFile(finding, SC, A, B, FOUND);
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
    expect(file.profile).toBe(profileWords(SC));
    expect(file.sides.A).toEqual(a!.steps[0]!.events.map(eventText));
    expect(file.sides.B).toEqual(b!.steps[0]!.events.map(eventText));
    expect(file.scenario.note).toBeUndefined();
    expect(file.scenario.expect).toBeUndefined();
  });

  it("records VM creation for a creation finding, and the PTEs for a PTE finding", () => {
    // PhysAddrSize 52 and no reduction: no nested-PTE bit is reserved, so the reference refuses an SEV-ES VM it
    // could not raise #VC for; posted creates it.
    const sc = scenario({ cpus: [amdCpu({ addrSizes: 0x3034, cbit: 51, red: 0 })], steps: SC.steps });
    const A = implementation("posted");
    const B = implementation("reference");
    const { findings } = runPair(sc, A, B);
    const create = findings.find((f) => f.step === -1)!;
    const file = makeFindingFile(create, sc, A, B, FOUND);
    expect(file.sides.A[0]).toBe("VM created");
    expect(file.sides.B[0]).toMatch(/^VM creation fails: errno \d+/);
    const ptes = makeFindingFile({ ...create, step: null }, sc, A, B, FOUND);
    expect(ptes.sides.A.every((l) => /^gpa 0x[0-9a-f]+: pte 0x[0-9a-f]+$/.test(l))).toBe(true);
  });
});
