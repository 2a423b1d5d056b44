import { describe, expect, it } from "vitest";
import { groupOf, verdictOf, type VerdictFinding } from "../../src/report/verdict";

function f(over: Partial<VerdictFinding>): VerdictFinding {
  return {
    class: "host-crash",
    severity: "crash",
    signature: "host-crash|A|direct-map:ghcb|sev-es",
    reach: { kind: "real-cpu", realProfiles: ["zen2-rome"] },
    introduced: true,
    basis: "spec",
    policyRules: [],
    ...over,
  };
}

const WHO = { impl: "posted", against: "reference", baseline: "pre-patch" };
const EXOTIC = { kind: "exotic-cpuid" as const, realProfiles: [] };

describe("the review verdict", () => {
  it("puts each finding in one group: exotic first of all, then inherited, then policy, else breaks", () => {
    expect(groupOf(f({}))).toBe("breaks");
    expect(groupOf(f({ introduced: null }))).toBe("breaks");
    expect(groupOf(f({ introduced: false, basis: "policy" }))).toBe("inherited");
    expect(groupOf(f({ basis: "policy", policyRules: ["mmioNaeOutsideMmio"] }))).toBe("policy");
    expect(groupOf(f({ reach: EXOTIC, introduced: false }))).toBe("exotic");
  });

  it("says in words what breaks on real hardware, what is inherited, what rests on a policy, what is exotic", () => {
    const v = verdictOf(
      [
        f({}),
        f({ class: "exit-mismatch", severity: "functional", signature: "x", introduced: false }),
        f({
          class: "exit-mismatch",
          severity: "functional",
          signature: "y",
          basis: "policy",
          policyRules: ["mmioNaeOutsideMmio"],
        }),
        f({ class: "host-memory-exposure", severity: "security", signature: "z", reach: EXOTIC }),
        f({ class: "pte-bits", severity: "info", signature: "i" }),
      ],
      WHO,
    );
    expect(v.real).toBe(3);
    expect(v.rows.map((r) => [r.group, r.findings.map((x) => x.signature)])).toEqual([
      ["breaks", ["host-crash|A|direct-map:ghcb|sev-es"]],
      ["inherited", ["x"]],
      ["policy", ["y"]],
      ["exotic", ["z"]],
    ]);
    expect(v.text).toBe(
      "On real AMD hosts, posted breaks 1 thing the tree did not, by the specs (1 crash); 1 more rests on a policy " +
        "the specs leave open (mmioNaeOutsideMmio). 1 more is inherited from pre-patch (1 functional). Each policy is " +
        "argued against Linux KVM in reference/RULES.md: a judgement call, not a spec. 1 finding needs CPUID values " +
        "no catalog CPU reports (1 security): robustness defects of the CPUID handling, not failures of shipped " +
        "hardware.",
    );
    const inheritedPolicy = verdictOf(
      [f({ introduced: false, basis: "policy", policyRules: ["unusableGhcbFailsRun"] })],
      WHO,
    );
    expect(inheritedPolicy.text).toContain(
      "1 more is inherited from pre-patch (1 crash), 1 of them resting on a policy (unusableGhcbFailsRun).",
    );
  });

  it("does not claim introduced or inherited without a baseline, and says when nothing was found", () => {
    const v = verdictOf([f({ introduced: null })], { ...WHO, baseline: null });
    expect(v.text).toMatch(/^On real AMD hosts, posted against reference fails in 1 way by the specs \(1 crash\)\./);
    expect(v.rows[0]!.title).toMatch(/no baseline/);
    expect(verdictOf([f({ severity: "info", class: "pte-bits" })], WHO).text).toBe(
      "posted against reference: no finding above info (the CPU behaves the same on both sides).",
    );
  });
});
