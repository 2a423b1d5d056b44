// The reviewer's alternatives on tech@, ported as diffs on the posted patch: PROT_NONE, and a bogus HPA.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/cpu/vcpu";
import { runPair } from "../../../src/diff/run-pair";
import { implementation } from "../../../src/impls";
import { getVariant } from "../../../src/port/variants";
import { PG_NX, PG_RW, PG_V } from "../../../src/port/pmap";
import type { Step } from "../../../src/scenario/types";
import { EPYC_9124, MMIO_BAR, amdCpu, kinds, scenario } from "../fixtures";

const read: Step = { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 };
const write: Step = { op: "access", gpa: MMIO_BAR, kind: "write", size: 4 };
/** A 48-bit host whose reduction is 0: the posted HPA has no reserved bit there. */
const NO_REDUCTION = () => amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0 });

const findings = (impl: string, steps: Step[], cpus = [EPYC_9124()]) =>
  runPair(scenario({ steps, cpus }), implementation(impl), implementation("reference")).findings.map(
    (f) => f.signature,
  );

describe("prot-none", () => {
  const pte = (cpus = [EPYC_9124()]) =>
    runScenario(scenario({ steps: [read], cpus }), getVariant("prot-none").factory).ptes.get(MMIO_BAR & ~0xfffn)!;

  it("keeps its diff beside it", () => {
    const diff = readFileSync(join(__dirname, "../../../src/port/variants/prot-none.diff"), "utf8");
    expect(diff).toContain("+\t\t\t    PROT_NONE, 0);");
  });

  it("enters a present, read-only, non-executable entry: PROT_NONE is not 'not present' on amd64", () => {
    const e = pte();
    expect(e & PG_V).toBe(PG_V);
    expect(e & PG_RW).toBe(0n);
    expect(e & PG_NX).toBe(PG_NX);
  });

  it("raises #VC where the HPA has reserved bits (EPYC 9124), as posted does", () => {
    for (const step of [read, write]) {
      const out = runScenario(scenario({ steps: [step] }), getVariant("prot-none").factory);
      expect(kinds(out.steps[0]!.events).at(-1)).toBe("vc");
    }
  });

  it("without a reduction, reads host frame 0 and never gets past a write (the author's 'NP faults')", () => {
    const cpus = [NO_REDUCTION()];
    const r = runScenario(scenario({ steps: [read], cpus }), getVariant("prot-none").factory).steps[0]!.events;
    expect(r.at(-1)).toMatchObject({ kind: "guest-access", hpa: 0x10n, memory: "host-ram" });
    const w = runScenario(scenario({ steps: [write], cpus }), getVariant("prot-none").factory).steps[0]!.events;
    expect(kinds(w).at(-1)).toBe("no-progress");
    expect(pte(cpus)).toBe(pte(cpus) & ~PG_RW);
  });
});

describe("bogus-hpa", () => {
  it("keeps its diff beside it", () => {
    const diff = readFileSync(join(__dirname, "../../../src/port/variants/bogus-hpa.diff"), "utf8");
    expect(diff).toContain("+\t\t\thpa = (1ULL << (amd64_phys_addrsz - amd64_phys_red)) -");
  });

  it("maps the last page below the reduction window, read/write, with no reserved bit: no #VC", () => {
    const out = runScenario(scenario({ steps: [read] }), getVariant("bogus-hpa").factory);
    // EPYC 9124: 52 - 6 = 46 address bits.
    expect(out.ptes.get(MMIO_BAR & ~0xfffn)! & 0x000ffffffffff000n).toBe((1n << 46n) - 0x1000n);
    expect(out.steps[0]!.events.at(-1)).toMatchObject({ kind: "guest-access", memory: "none" });
  });

  it("exposes the guest's MMIO accesses to no memory, where the reference raises #VC", () => {
    expect(findings("bogus-hpa", [read])).toContain("host-memory-exposure|A|guest-access:none|mmio|sev-es");
  });
});

describe("the two against posted on the same scenarios", () => {
  it("share posted's profile-dependent exposure of host frame 0 (no reduction) only where their HPA matches it", () => {
    const cpus = [NO_REDUCTION()];
    expect(findings("posted", [read], cpus)).toContain("host-memory-exposure|A|guest-access:host-ram|mmio|sev-es");
    expect(findings("prot-none", [read], cpus)).toContain("host-memory-exposure|A|guest-access:host-ram|mmio|sev-es");
    expect(findings("bogus-hpa", [read], cpus)).toContain("host-memory-exposure|A|guest-access:none|mmio|sev-es");
  });
});
