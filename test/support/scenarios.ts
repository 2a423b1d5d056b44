// Small hand-built scenarios and JSON for tests.
import { encodeScenario } from "../../src/scenario/codec";
import type { CpuidRegs, Scenario } from "../../src/scenario/types";

export function cpuidMap(leaves: Record<number, Partial<CpuidRegs>>): Map<number, CpuidRegs> {
  return new Map(Object.entries(leaves).map(([k, r]) => [Number(k), { eax: 0, ebx: 0, ecx: 0, edx: 0, ...r }]));
}

/** Ryzen 5 3600X (Zen 2 Matisse) raw leaves: PhysAddrSize 48, C-bit 47, reduction 5. */
export const MATISSE = cpuidMap({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003030 },
  0x8000001f: { eax: 0x0001000f, ebx: 0x0000016f, ecx: 0x1fd, edx: 1 },
});

export function baseScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    host: {
      cpus: [{ vendor: "AuthenticAMD", cpuid: MATISSE }],
      memEncrypt: true,
      decodeAssist: true,
      ramBytes: 0x1000000000n,
    },
    guest: { sev: true, sevEs: true },
    memory: [
      { gpa: 0x0n, size: 0x9f000n, type: "ram" },
      { gpa: 0xf0000000n, size: 0x1000000n, type: "mmio" },
    ],
    steps: [
      { op: "access", gpa: 0xf0000010n, kind: "read", size: 4 },
      { op: "mmio-nae", gpa: 0xf0000010n, write: false, size: 4 },
      { op: "ghcb", gpa: 0x1000n },
      { op: "pvclock", gpa: 0x2000n },
    ],
    ...overrides,
  };
}

/** The JSON value of the base scenario, to be broken by a test. */
export function baseJson(): any {
  return encodeScenario(baseScenario());
}
