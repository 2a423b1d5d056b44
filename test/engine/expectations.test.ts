import { describe, expect, it } from "vitest";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { variantNames } from "../../src/port/variants";
import { expectationsOf, signaturesOf } from "../../src/engine/expectations";
import { MMIO_BAR, scenario, SEV_ES } from "../port/fixtures";

const SC = scenario({
  guest: SEV_ES,
  steps: [
    { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
    { op: "access", gpa: MMIO_BAR, kind: "write", size: 4 },
    { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
  ],
});

describe("signaturesOf", () => {
  it("is the sorted, de-duplicated signatures of the pair against the reference", () => {
    const { findings } = runPair(SC, implementation("pre-patch"), implementation("reference"));
    const sigs = signaturesOf(SC, "pre-patch");
    expect(sigs).toEqual([...new Set(findings.map((f) => f.signature))].sort());
    expect([...sigs].sort()).toEqual(sigs);
    expect(new Set(sigs).size).toBe(sigs.length);
  });

  it("is empty when the two agree", () => {
    expect(signaturesOf(SC, "reference")).toEqual([]);
  });
});

describe("expectationsOf", () => {
  it("holds every port variant and nothing else", () => {
    const e = expectationsOf(SC);
    expect(Object.keys(e)).toEqual(variantNames());
    for (const v of variantNames()) expect(e[v]).toEqual(signaturesOf(SC, v));
  });
});

describe("a corpus scenario's expectation", () => {
  it("records that pre-patch sends the SEV-ES MMIO access to vmd where the reference raises #VC", () => {
    const read = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });
    expect(expectationsOf(read)["pre-patch"]).toEqual([
      "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es",
    ]);
  });
});
