// Finding files and temporary folders for the store's tests.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { onTestFinished } from "vitest";
import type { Scenario } from "../../src/scenario/types";
import type { FindingFile } from "../../src/store/finding-file";
import { baseScenario } from "../support/scenarios";

/** A fresh temporary folder, removed when the test that made it finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmm-difffuzz-store-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A finding file of the base scenario (Matisse host, SEV-ES guest, four steps). */
export function findingFile(over: Partial<FindingFile> = {}, scenario: Scenario = baseScenario()): FindingFile {
  return {
    class: "exit-mismatch",
    severity: "functional",
    signature: "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es",
    summary: "pre-patch: vmd-exit, reference: vc",
    impl: "posted",
    against: "reference",
    step: 0,
    reach: { kind: "exotic-cpuid", realProfiles: [] },
    introduced: false,
    baseline: "pre-patch",
    basis: "spec",
    policyRules: [],
    profile: "phys_addrsz 48, phys_red 5, C-bit 47",
    sides: { A: ["exit to vmd"], B: ["#VC in the guest"] },
    found: { engine: "random", seed: "1", execs: 12 },
    scenario,
    ...over,
  };
}

/** The base scenario with its first `n` steps. */
export function withSteps(n: number): Scenario {
  const s = baseScenario();
  return { ...s, steps: s.steps.slice(0, n) };
}
