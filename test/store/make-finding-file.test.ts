import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/diff/finding";
import { makeFindingFile, type FindingFileParts } from "../../src/store/make-finding-file";
import { MMIO_BAR, scenario } from "../port/fixtures";

const SC = { ...scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] }), note: "n", expect: {} };
const FINDING: Finding = {
  class: "exit-mismatch",
  severity: "functional",
  signature: "exit-mismatch|x",
  step: 0,
  side: "both",
  detail: "d",
  basis: "policy",
  policyRules: ["r"],
};
const PARTS: FindingFileParts = {
  finding: FINDING,
  scenario: SC,
  impl: "pre-patch",
  against: "reference",
  labels: { reach: { kind: "real-cpu", realProfiles: ["epyc-9124"] }, introduced: true },
  baseline: "posted",
  words: { summary: "one sentence", profile: "a profile", sides: { A: ["a event"], B: ["b event"] } },
  found: { engine: "random", seed: "7", execs: 3 },
};

describe("makeFindingFile", () => {
  it("assembles the file from the finding, its labels, words and origin as given", () => {
    expect(makeFindingFile(PARTS)).toEqual({
      class: "exit-mismatch",
      severity: "functional",
      signature: "exit-mismatch|x",
      reach: { kind: "real-cpu", realProfiles: ["epyc-9124"] },
      introduced: true,
      baseline: "posted",
      basis: "policy",
      policyRules: ["r"],
      summary: "one sentence",
      profile: "a profile",
      impl: "pre-patch",
      against: "reference",
      step: 0,
      sides: { A: ["a event"], B: ["b event"] },
      found: { engine: "random", seed: "7", execs: 3 },
      scenario: { ...SC, note: undefined, expect: undefined },
    });
  });

  it("keeps the scenario without note or expectation", () => {
    const file = makeFindingFile(PARTS);
    expect(file.scenario.note).toBeUndefined();
    expect(file.scenario.expect).toBeUndefined();
    expect(file.scenario.steps).toEqual(SC.steps);
  });
});
