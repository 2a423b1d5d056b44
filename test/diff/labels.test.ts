import { describe, expect, it } from "vitest";
import { introducedOf } from "../../src/diff/introduced";
import { compareTriage, labelFindings } from "../../src/diff/labels";
import { onCatalogHost, reachOf } from "../../src/diff/reach";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { CATALOG, catalogEntryNamed } from "../../src/scenario/profiles";
import type { Step } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, MMIO_BAR, amdCpu, scenario } from "../port/fixtures";

const POSTED = implementation("posted");
const PRE_PATCH = implementation("pre-patch");
const REFERENCE = implementation("reference");

const read = (gpa: bigint): Step => ({ op: "access", gpa, kind: "read", size: 4 });
const MMIO_PAGE = MMIO_BAR & ~0xfffn;
/** A GHCB registered on an MMIO page the guest touched: posted's entry makes pmap_extract succeed, the host faults. */
const GHCB_ON_MMIO: Step[] = [read(MMIO_BAR), { op: "ghcb", gpa: MMIO_PAGE }];
const CRASH = "host-crash|A|direct-map:ghcb|sev-es";
/**
 * The guest's MMIO access, then an MMIO NAE event through a GHCB in RAM. The tree before the patch diverges first at
 * the access (it exits to vmd where the reference raises #VC), an unrelated root cause; at the NAE event it fails the
 * run exactly as posted does: that finding is inherited.
 */
const NAE_AFTER_ACCESS: Step[] = [
  { op: "access", gpa: 0x1000n, kind: "write", size: 8 },
  read(MMIO_BAR),
  { op: "ghcb", gpa: 0x1000n },
  { op: "mmio-nae", gpa: MMIO_BAR, size: 4, write: false },
];
const NAE_REFUSED = "exit-mismatch|both|mmio-nae|mmio|A:vm-error|B:vmd-exit:mmio-nae|sev-es";

describe("reach", () => {
  it("puts every host CPU on the catalog profile, with memory encryption on", () => {
    const s = scenario({ cpus: [MATISSE(), EPYC_9124()], memEncrypt: false, steps: GHCB_ON_MMIO });
    const genoa = catalogEntryNamed("genoa")!;
    const on = onCatalogHost(s, genoa);
    expect(on.host.cpus).toEqual([genoa.cpu, genoa.cpu]);
    expect(on.host.memEncrypt).toBe(true);
    expect(on.steps).toBe(s.steps);
  });

  it("is real-cpu with every catalog part that shows the same signature (not Naples: no SEV-ES)", () => {
    const exotic = scenario({ cpus: [amdCpu({ addrSizes: 0x3031, cbit: 51, red: 7 })], steps: GHCB_ON_MMIO });
    expect(runPair(exotic, POSTED, REFERENCE).findings.map((f) => f.signature)).toContain(CRASH);
    expect(reachOf(exotic, [CRASH], POSTED, REFERENCE).get(CRASH)).toEqual({
      kind: "real-cpu",
      realProfiles: ["epyc-9124", "genoa", "milan", "zen3-vermeer", "zen2-rome"],
    });
  });

  it("is exotic-cpuid when no catalog part shows it (reduction 0: the patch maps host frame 0)", () => {
    const s = scenario({ cpus: [amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0 })], steps: [read(MMIO_BAR)] });
    const signatures = runPair(s, POSTED, REFERENCE).findings.map((f) => f.signature);
    const exposure = signatures.find((sig) => sig.startsWith("host-memory-exposure|A|guest-access:host-ram"))!;
    expect(exposure).toBeDefined();
    expect(reachOf(s, [exposure], POSTED, REFERENCE).get(exposure)).toEqual({ kind: "exotic-cpuid", realProfiles: [] });
  });

  it("tries only the catalog given, in its order", () => {
    const s = scenario({ steps: GHCB_ON_MMIO });
    const only = CATALOG.filter((e) => e.name === "zen1-naples" || e.name === "zen2-rome");
    expect(reachOf(s, [CRASH], POSTED, REFERENCE, only).get(CRASH)!.realProfiles).toEqual(["zen2-rome"]);
  });
});

describe("introduced", () => {
  it("is false for a root cause the baseline shows too, even after an earlier, unrelated divergence", () => {
    const s = scenario({ steps: NAE_AFTER_ACCESS });
    const above = (impl: typeof POSTED) => runPair(s, impl, REFERENCE).findings.filter((f) => f.severity !== "info");
    const posted = above(POSTED).map((f) => f.signature);
    const before = above(PRE_PATCH).map((f) => [f.step, f.signature]);
    expect(posted).toEqual([NAE_REFUSED]);
    // The tree before the patch: first the access (not #VC), then the same refusal of the NAE event.
    expect(before).toEqual([
      [1, "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es"],
      [3, NAE_REFUSED],
    ]);
    expect(introducedOf(s, [NAE_REFUSED], PRE_PATCH, REFERENCE).get(NAE_REFUSED)).toBe(false);
  });

  it("is true for a root cause the baseline does not show, and null without a baseline", () => {
    const s = scenario({ steps: GHCB_ON_MMIO });
    expect(introducedOf(s, [CRASH], PRE_PATCH, REFERENCE).get(CRASH)).toBe(true);
    expect(introducedOf(s, [CRASH], null, REFERENCE).get(CRASH)).toBeNull();
  });
});

describe("labelFindings and the triage order", () => {
  it("labels each finding and sorts real before exotic, introduced before inherited, spec before policy", () => {
    const real = scenario({ steps: GHCB_ON_MMIO });
    const inherited = scenario({ steps: NAE_AFTER_ACCESS });
    const exotic = scenario({ cpus: [amdCpu({ addrSizes: 0x3034, cbit: 51, red: 1 })], steps: [read(MMIO_BAR)] });
    const all = [real, inherited, exotic].flatMap((s) =>
      labelFindings(s, runPair(s, POSTED, REFERENCE).findings, POSTED, REFERENCE, PRE_PATCH),
    );
    const order = all
      .filter((f) => f.severity !== "info")
      .sort(compareTriage)
      .map((f) => [f.reach.kind, f.introduced, f.basis, f.signature]);
    expect(order).toEqual([
      ["real-cpu", true, "spec", CRASH],
      ["real-cpu", false, "spec", NAE_REFUSED],
      ["exotic-cpuid", true, "spec", "host-memory-exposure|A|guest-access:host-ram|mmio|sev-es"],
      ["exotic-cpuid", false, "policy", "exit-mismatch|both|create|A:ok|B:refused(sevEsNeedsReservedBits)|sev-es"],
    ]);
  });
});
