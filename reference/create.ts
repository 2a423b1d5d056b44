// VM creation: the memory map, the SEV launch, the C-bit vmd needs, and whether SEV-ES MMIO can work on this host.
import type { GuestConfig, MemRange } from "../src/scenario/types";
import type { HostCpuView } from "./cpuid";
import { EINVAL } from "./errno";
import { memoryMapProblem } from "./memmap";
import { reservedOnEveryCpu } from "./reserved";

/** vmm's contract today: "XXX - support UP only (for now)" (vm_create in sys/dev/vmm/vmm.c). */
export const VMM_UP_ONLY = 1;

/**
 * Rule `vcpuCountValid`. vmm.c, vm_create, under "XXX - support UP only (for now)": "if (vcp->vcp_ncpus != 1)
 * return (EINVAL);". A VM has at least one vcpu and at most `maxVcpus`: 1 under today's contract; the what-if of an SMP
 * contract (reference-smp) raises it to VMM_MAX_VCPUS_PER_VM.
 */
export function vcpuCountValid(vcpus: number, maxVcpus: number): boolean {
  return vcpus >= 1 && vcpus <= maxVcpus;
}

/**
 * Rule `sevEsIsSev`. APM vol 2 (24593 rev 3.41) §15.35: SEV-ES is an extension of SEV, enabled in the VMCB on top
 * of the SEV enable bit; vmd's grammar (parse.y) likewise sets both for "seves": "vcp->vcp_sev = vcp->vcp_seves
 * = 1;". A request for SEV-ES without SEV is malformed and refused.
 */
export function sevEsIsSev(guest: GuestConfig): boolean {
  return !guest.sevEs || guest.sev;
}

/**
 * Rule `cBitReported`. vmd(8) (loadfile): "if (vcp->vcp_poscbit == 0) { log_warnx("SEV enabled but no C-bit
 * reported"); return 1; }". The C-bit position is CPUID Fn8000_001F_EBX[5:0] (APM vol 2 §15.34.1, "C-bit location
 * in page table entry"). A vcpu may run on any host CPU, so every CPU must report the leaf with one and the same
 * non-zero position; a host whose CPUs disagree has no C-bit to report.
 */
export function cBitReported(cpus: readonly HostCpuView[]): boolean {
  if (cpus.length === 0) return false;
  const first = cpus[0]!.cBit;
  return first !== 0 && cpus.every((c) => c.encryptedMemoryLeaf && c.cBit === first);
}

/**
 * Rule `sevEsMmioMask`. GHCB spec 56421 §4.1.5 (as AMD's edk2 and Linux commits restate it): for an SEV-ES
 * guest the hypervisor maps MMIO with reserved bits set so that the access raises #VC. APM vol 2 §15.35.4, Table
 * 15-33 (AE exit codes): "400h VMEXIT_NPF — only if PFCODE[3]=0", so #NPF with RSV=1 is a non-automatic exit,
 * raised in the guest as #VC. The bits that do so on every host CPU are `reservedOnEveryCpu`.
 */
export function sevEsMmioMask(cpus: readonly HostCpuView[]): bigint {
  return reservedOnEveryCpu(cpus);
}

/**
 * Rule `sevEsNeedsReservedBits`. Without a bit reserved on every host CPU, an MMIO entry cannot raise #NPF(RSV) and the
 * guest's MMIO would take automatic #NPF exits the host cannot emulate (it cannot read an SEV-ES guest's instructions).
 * Linux KVM (arch/x86/kvm/svm/sev.c, sev_hardware_setup): "SEV-ES requires MMIO caching as KVM doesn't have access to
 * the guest instruction stream", and svm_adjust_mmio_mask disables MMIO caching when no bit from the reduced MAXPHYADDR
 * to 51 is left: SEV-ES is then refused.
 */
export function sevEsNeedsReservedBits(mmioMask: bigint): boolean {
  return mmioMask !== 0n;
}

/** VM creation's inputs the reference model reads. */
export interface CreateInput {
  memory: readonly MemRange[];
  guest: GuestConfig;
  /** The most vcpus vmm's contract allows (VMM_UP_ONLY today). */
  maxVcpus: number;
  cpus: readonly HostCpuView[];
  /** The PSP's LAUNCH_START for an SEV guest (asked only for an SEV guest with a valid memory map). */
  pspLaunchStart: (seves: boolean) => boolean;
}

export type CreateDecision =
  | { ok: true; sevEs: boolean; mmioMask: bigint }
  /** `rule`: the stable name of the rule that refused (a rule of this directory, or "pspLaunchStart"). */
  | { ok: false; errno: number; rule: string; detail: string };

/**
 * VM creation, in the order the checks run: memory map and vcpu count (VMM_IOC_CREATE), then the SEV requirements
 * (vmd).
 */
export function createDecision(input: CreateInput): CreateDecision {
  const problem = memoryMapProblem(input.memory);
  if (problem !== null) return { ok: false, errno: EINVAL, ...problem };
  const { guest } = input;
  const vcpus = guest.vcpus ?? 1;
  if (!vcpuCountValid(vcpus, input.maxVcpus)) {
    return refuse("vcpuCountValid", `${vcpus} vcpus: vmm creates VMs of 1 to ${input.maxVcpus}`);
  }
  if (!sevEsIsSev(guest)) return refuse("sevEsIsSev", "SEV-ES requested without SEV");
  if (!guest.sev) return { ok: true, sevEs: false, mmioMask: 0n };
  if (!input.pspLaunchStart(guest.sevEs)) return refuse("pspLaunchStart", "PSP launch failed");
  if (!cBitReported(input.cpus)) return refuse("cBitReported", "SEV enabled but no C-bit reported");
  if (!guest.sevEs) return { ok: true, sevEs: false, mmioMask: 0n };
  const mmioMask = sevEsMmioMask(input.cpus);
  if (!sevEsNeedsReservedBits(mmioMask)) {
    return refuse("sevEsNeedsReservedBits", "no nested-PTE bit is reserved on every host CPU: MMIO cannot raise #VC");
  }
  return { ok: true, sevEs: true, mmioMask };
}

function refuse(rule: string, detail: string): CreateDecision {
  return { ok: false, errno: EINVAL, rule, detail };
}
