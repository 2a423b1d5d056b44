// The input domain: one scenario = a host machine, a guest, its memory map and what the guest does.
// JSON form: `vmm-difffuzz.scenario/1` (see README "Scenario format"); 64-bit values are bigint here.

export const SCENARIO_FORMAT = "vmm-difffuzz.scenario/1";

/** One CPUID leaf as the hardware reports it: four 32-bit registers (unsigned numbers). */
export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

/** Raw CPUID leaves keyed by leaf number (e.g. 0x80000008). A missing register reads as 0. */
export type CpuidTable = Map<number, CpuidRegs>;

export interface HostCpu {
  /** CPUID leaf 0 vendor string, e.g. "AuthenticAMD". */
  vendor: string;
  cpuid: CpuidTable;
}

export interface HostConfig {
  /** In the order identifycpu() runs over them: the boot CPU first. */
  cpus: HostCpu[];
  /** MSR SYSCFG.MemEncryptionModEn (bit 23). */
  memEncrypt: boolean;
  /** CPUID 0x8000000A EDX DecodeAssists, as vmm's svm_decode_assist sees it. */
  decodeAssist: boolean;
  /** Host physical RAM: [0, ramBytes). */
  ramBytes: bigint;
  /**
   * Free entries left in the kernel's pmap_pv_pool (pool_get(…, PR_NOWAIT) fails once they are used up); absent:
   * the pool never runs dry. A mapping of a managed page keeps one; every pmap_enter needs one free at its start.
   */
  pvEntries?: number;
  /**
   * What-if: whether the PhysAddrReduction window counts as reserved nested-PTE bits while memory encryption is on
   * (APM: "treated the same as other page-table reserved bits"); absent or true as the APM says, false as Linux
   * KVM assumes for key-ID bits.
   */
  reductionReserved?: boolean;
}

export interface GuestConfig {
  sev: boolean;
  sevEs: boolean;
  /** vcpus the VM is created with (vm_create_params.vcp_ncpus); absent: 1. */
  vcpus?: number;
}

export type MemType = "ram" | "reserved" | "mmio";

export interface MemRange {
  gpa: bigint;
  size: bigint;
  type: MemType;
}

export type AccessKind = "read" | "write" | "fetch";

export interface AccessStep {
  op: "access";
  gpa: bigint;
  kind: AccessKind;
  size: number;
  /** The guest's own page-table walk touches this GPA (NPF EXITINFO1 bit 33 instead of bit 32). */
  walk?: boolean;
  /** Host CPU the vcpu runs on for this step (index into host.cpus); default 0. */
  cpu?: number;
  /** The guest vcpu that takes this step (index below guest.vcpus); default 0. */
  vcpu?: number;
}

export interface MmioNaeStep {
  op: "mmio-nae";
  gpa: bigint;
  write: boolean;
  size: number;
  cpu?: number;
  vcpu?: number;
}

export interface GhcbStep {
  op: "ghcb";
  gpa: bigint;
  /** The guest writes its request into the GHCB through its nested walk first (the walk may fault). */
  guestWrite?: boolean;
  cpu?: number;
  vcpu?: number;
}

/** The guest writes the KVM wall-clock MSR (MSR_KVM_WALL_CLOCK) with `gpa`; the host writes the wall clock there. */
export interface WallclockStep {
  op: "wallclock";
  gpa: bigint;
  cpu?: number;
  vcpu?: number;
}

/** vmd restores the vcpu's pvclock (VMM_IOC_WRITEVMPARAMS, vm_rwvmparams) as `gpa` with the enable bit. */
export interface VmdPvclockStep {
  op: "vmd-pvclock";
  gpa: bigint;
  cpu?: number;
  vcpu?: number;
}

/**
 * The guest writes `gpa` into the GHCB MSR and executes VMGEXIT without a GHCB: the GHCB MSR protocol (GHCB spec
 * 56421 §2.3.1; GHCBInfo[11:0] the request, GHCBData[63:12] its data). For this op `gpa` is that MSR value, not an
 * address: the field keeps the shape every step has.
 */
export interface GhcbMsrStep {
  op: "ghcb-msr";
  gpa: bigint;
  cpu?: number;
  vcpu?: number;
}

export interface PvclockStep {
  op: "pvclock";
  gpa: bigint;
  cpu?: number;
  vcpu?: number;
}

export type Step = AccessStep | MmioNaeStep | GhcbStep | PvclockStep | WallclockStep | VmdPvclockStep | GhcbMsrStep;
export type StepOp = Step["op"];

/** GHCB MSR protocol requests (GHCB spec 56421 §2.3.1, GHCBInfo[11:0]). */
export const GHCB_MSR_CPUID_REQUEST = 0x004n;
export const GHCB_MSR_CPUID_RESPONSE = 0x005n;
export const GHCB_MSR_TERMINATE = 0x100n;

export interface Scenario {
  host: HostConfig;
  guest: GuestConfig;
  memory: MemRange[];
  steps: Step[];
  /** The memory map deliberately breaks vm_create_check_mem_ranges: its range rules are not enforced on load. */
  invalidMemory?: boolean;
  /** Regression expectation per implementation name: the signatures it gives against the reference ([] = agree). */
  expect?: Record<string, string[]>;
  /** Free text: what this scenario is for. */
  note?: string;
}

/** The guest kinds a scenario can hold, in the order reports list them. */
export const GUEST_KINDS = ["plain", "sev", "sev-es"] as const;
export type GuestKind = (typeof GUEST_KINDS)[number];

export function guestKind(g: GuestConfig): GuestKind {
  return g.sevEs ? "sev-es" : g.sev ? "sev" : "plain";
}

export function guestOfKind(kind: GuestKind): GuestConfig {
  return { sev: kind !== "plain", sevEs: kind === "sev-es" };
}

export const PAGE_SIZE = 0x1000n;
/** VMM_MAX_MEM_RANGES (sys/dev/vmm/vmm.h). */
export const VMM_MAX_MEM_RANGES = 16;
/** VMM_MAX_VM_MEM_SIZE: 128 GiB (sys/dev/vmm/vmm.h). */
export const VMM_MAX_VM_MEM_SIZE = 128n << 30n;
/** VMM_MAX_VCPUS_PER_VM (sys/dev/vmm/vmm.h). */
export const VMM_MAX_VCPUS_PER_VM = 64;
