import { describe, expect, it } from "vitest";
import { comparisonTable } from "../../src/report/compare-table";
import { finding, summary } from "./fixtures";

describe("compare's table", () => {
  it("lists each signature once with reach and basis, hits per implementation marked introduced or inherited", () => {
    const crash = finding({ hits: 10 });
    const exotic = finding({
      class: "host-memory-exposure",
      severity: "security",
      signature: "host-memory-exposure|A|guest-access:host-ram|mmio|sev-es",
      reach: { kind: "exotic-cpuid", realProfiles: [] },
      hits: 3,
    });
    const nae = finding({
      class: "exit-mismatch",
      severity: "functional",
      signature: "exit-mismatch|both|mmio-nae|reserved|A:vm-error|B:ghcb-error|sev-es",
      basis: "policy",
      policyRules: ["mmioNaeOutsideMmio"],
      introduced: false,
      hits: 5,
    });
    const posted = summary({
      findings: [exotic, crash, finding({ class: "pte-bits", severity: "info", signature: "i" })],
    });
    const proposed = summary({ impl: "proposed", findings: [nae] });
    const lines = comparisonTable(["posted", "proposed"], [posted, proposed]).trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^real-cpu +spec +crash +10\+ +- +host-crash\|A\|direct-map:pvclock\|sev-es$/);
    expect(lines[2]).toMatch(/^real-cpu +policy +functional +- +5= +exit-mismatch/);
    expect(lines[3]).toMatch(/^exotic-cpuid +spec +security +3\+ +- +host-memory-exposure/);
    expect(lines[4]).toMatch(/^worst +security +functional$/);
    expect(lines[5]).toBe("hits: + introduced by that implementation, = inherited from its baseline");
  });
});
