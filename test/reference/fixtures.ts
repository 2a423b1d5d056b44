// Hand-built host CPUs and scenarios for the reference model's tests.
import type { CpuidRegs, HostCpu, MemRange, Scenario, Step } from "../../src/scenario/types";
import { decodeHostCpu, type HostCpuView } from "../../reference/cpuid";

export function cpuidMap(leaves: Record<number, Partial<CpuidRegs>>): Map<number, CpuidRegs> {
  return new Map(Object.entries(leaves).map(([k, r]) => [Number(k), { eax: 0, ebx: 0, ecx: 0, edx: 0, ...r }]));
}

export function amdCpu(leaves: Record<number, Partial<CpuidRegs>>, vendor = "AuthenticAMD"): HostCpu {
  return { vendor, cpuid: cpuidMap(leaves) };
}

/** EPYC 9124 (Genoa): PhysAddrSize 52, C-bit 51, PhysAddrReduction 6; SME, SEV, SEV-ES. */
export const EPYC_9124 = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003034 },
  0x8000001f: { eax: 0x0001000f, ebx: 51 | (6 << 6), ecx: 1006, edx: 1 },
});

/** Ryzen 5 3600X (Matisse): PhysAddrSize 48, C-bit 47, PhysAddrReduction 5. */
export const MATISSE = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003030 },
  0x8000001f: { eax: 0x0001000f, ebx: 0x0000016f, ecx: 0x1fd, edx: 1 },
});

/** PhysAddrSize 52, C-bit 51, no PhysAddrReduction: no address bit is reserved at all. */
export const NO_REDUCTION_52 = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003034 },
  0x8000001f: { eax: 0x0001000f, ebx: 51, ecx: 1006, edx: 1 },
});

/** SME and SEV but no SEV-ES. */
export const SEV_ONLY = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003030 },
  0x8000001f: { eax: 0x00000003, ebx: 0x0000016f, ecx: 15, edx: 0 },
});

/** SEV-capable, but reporting C-bit position 0. */
export const NO_CBIT = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003030 },
  0x8000001f: { eax: 0x0001000f, ebx: 5 << 6, ecx: 509, edx: 1 },
});

/** The reference model's view of a host CPU, with SYSCFG.MemEncryptionModEn = `memEncrypt`. */
export function view(cpu: HostCpu, memEncrypt = true): HostCpuView {
  return decodeHostCpu(cpu.vendor, (leaf) => cpu.cpuid.get(leaf) ?? { eax: 0, ebx: 0, ecx: 0, edx: 0 }, memEncrypt);
}

export const RAM_LOW: MemRange = { gpa: 0x0n, size: 0x9f000n, type: "ram" };
export const BIOS: MemRange = { gpa: 0xf0000n, size: 0x10000n, type: "reserved" };
export const RAM_HIGH: MemRange = { gpa: 0x100000n, size: 0xff00000n, type: "ram" };
export const MMIO: MemRange = { gpa: 0xf0000000n, size: 0x1000000n, type: "mmio" };
/** A vmd-like map: low RAM, BIOS, RAM from 1 MiB, a gap, MMIO. */
export const VMD_MAP: MemRange[] = [RAM_LOW, BIOS, RAM_HIGH, MMIO];

export function scenario(over: {
  cpus?: HostCpu[];
  memEncrypt?: boolean;
  decodeAssist?: boolean;
  guest?: "plain" | "sev" | "sev-es";
  memory?: MemRange[];
  steps?: Step[];
}): Scenario {
  const guest = over.guest ?? "sev-es";
  return {
    host: {
      cpus: over.cpus ?? [EPYC_9124],
      memEncrypt: over.memEncrypt ?? true,
      decodeAssist: over.decodeAssist ?? true,
      ramBytes: 0x1000000000n,
    },
    guest: { sev: guest !== "plain", sevEs: guest === "sev-es" },
    memory: over.memory ?? VMD_MAP,
    steps: over.steps ?? [],
  };
}
