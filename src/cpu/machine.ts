// The simulated AMD host: CPUID as each CPU reports it, SYSCFG, host physical memory, the direct map, the PSP.
// It never decides what a hypervisor should do; it only answers what the hardware does.
import type { CpuidRegs, GuestConfig, HostConfig, MemRange, Scenario } from "../scenario/types";
import type { Event, HostAccessPurpose, Memory } from "./events";
import type { CpuHardware } from "./hardware";
import { hostStateOf, type HostState } from "./host-state";
import { GUEST_BACKING_BASE, hostRamNeeded } from "../scenario/host-ram";

export { GUEST_BACKING_BASE, hostRamNeeded };

const ZERO_LEAF: CpuidRegs = Object.freeze({ eax: 0, ebx: 0, ecx: 0, edx: 0 });

/** vmd(8)'s user virtual address of the first guest memory range; the ranges follow each other. */
export const VMD_VA_BASE = 0x0000600000000000n;

/** SVM_VMEXIT_CPUID: the request a `ghcb` step places in its GHCB. */
export const GHCB_REQUEST_CPUID = 0x72n;

/** What the guest wrote into its GHCB before a VMGEXIT (GHCB spec 56421 §2.3: SW_EXITCODE, SW_EXITINFO1/2). */
export interface GhcbRequest {
  swExitCode: bigint;
  swExitInfo1: bigint;
  swExitInfo2: bigint;
  /** SW_SCRATCH: the GPA of an MMIO NAE request's data (0 for other requests). */
  swScratch: bigint;
}

export const EMPTY_GHCB: GhcbRequest = Object.freeze({
  swExitCode: 0n,
  swExitInfo1: 0n,
  swExitInfo2: 0n,
  swScratch: 0n,
});

/** The page of an address: its bits above 11 (a constant, so that no BigInt is computed per use). */
export const PAGE_MASK = ~0xfffn;

/** Offset of the GHCB's shared buffer (GHCB spec 56421 §2.5, Table 3: 0x800), where an MMIO NAE's data goes. */
export const GHCB_SHARED_BUFFER = 0x800n;

/**
 * Thrown when the host kernel faults (e.g. a direct-map access to a physical address with no memory). Not an Error:
 * it is an outcome, not a bug, and a fuzzer throws it often enough that capturing a stack each time would show.
 */
export class HostCrash {
  /** The same text as `reason`, under the name tools expect of a thrown value. */
  readonly message: string;
  constructor(readonly reason: string) {
    this.message = reason;
  }
}

interface Backing {
  readonly gpa: bigint;
  readonly end: bigint;
  readonly hpa: bigint;
  /** hpa + size: where the range's host frames end (computed once, not per lookup). */
  readonly hpaEnd: bigint;
  readonly va: bigint;
  readonly vaEnd: bigint;
  readonly backed: boolean;
}

export class Machine {
  readonly host: HostConfig;
  readonly guest: GuestConfig;
  /** The host before any VM: decoded hardware and boot-time state, shared by the runs that follow on the host. */
  readonly hostState: HostState;
  /** Per host CPU: what its hardware does (decoded once per host from its CPUID and SYSCFG). */
  readonly hardware: readonly CpuHardware[];
  /** Events of the step being run; the vcpu runner swaps this array per step. */
  events: Event[] = [];
  /** The guest vcpu taking the current step (the runner sets it): `guestGhcb` is that vcpu's. */
  currentVcpu = 0;
  /** Each vcpu's GHCB page and the request in it (GHCB spec 56421 §2.2: one GHCB per vcpu), by vcpu index. */
  private readonly guestGhcbs: ({ gpa: bigint; request: GhcbRequest } | null)[] = [];
  private readonly ranges: readonly Backing[];

  constructor(scenario: Scenario) {
    this.host = scenario.host;
    this.guest = scenario.guest;
    this.hostState = hostStateOf(scenario.host);
    this.hardware = this.hostState.hardware;
    const layout = layoutOf(scenario.memory);
    this.ranges = layout.ranges;
    if (layout.top > scenario.host.ramBytes) throw new Error("host RAM too small for the guest memory");
  }

  emit(event: Event): void {
    this.events.push(event);
  }

  /** CPUID as host CPU `cpu` reports it; a leaf the scenario does not hold reads as zeros. */
  cpuid(cpu: number, leaf: number): CpuidRegs {
    return this.host.cpus[cpu]?.cpuid.get(leaf >>> 0) ?? ZERO_LEAF;
  }

  vendor(cpu: number): string {
    return this.host.cpus[cpu]?.vendor ?? "";
  }

  /** What RDMSR of SYSCFG.MemEncryptionModEn (bit 23) returns on host CPU `cpu`. */
  syscfgMemEncryptionModEn(cpu: number): boolean {
    return this.hardware[cpu]?.encryptionActive ?? false;
  }

  /** vmd's virtual address of memory range `i` (page aligned, in user space). */
  vmdVa(i: number): bigint {
    const r = this.ranges[i];
    if (!r) throw new Error(`no memory range ${i}`);
    return r.va;
  }

  /** The host frame behind vmd's virtual address `va` (after uvm_fault_wire), or null when nothing backs it. */
  vmdVaToPa(va: bigint): bigint | null {
    for (const r of this.ranges) if (r.backed && va >= r.va && va < r.vaEnd) return r.hpa + (va - r.va);
    return null;
  }

  /** The host frame backing guest-physical address `gpa`, or null when no guest memory backs it. */
  backingOf(gpa: bigint): bigint | null {
    for (const r of this.ranges) if (r.backed && gpa >= r.gpa && gpa < r.end) return r.hpa + (gpa - r.gpa);
    return null;
  }

  /** What lies at host physical address `pa`. */
  classify(pa: bigint): Memory {
    for (const r of this.ranges) if (r.backed && pa >= r.hpa && pa < r.hpaEnd) return "guest-ram";
    return pa >= 0n && pa < this.host.ramBytes ? "host-ram" : "none";
  }

  /**
   * The host kernel reads or writes physical address `pa` through its direct map (PMAP_DIRECT_MAP).
   * A `pa` with no memory behind it is a kernel page fault: the host crashes.
   */
  directMapAccess(pa: bigint, write: boolean, purpose: HostAccessPurpose): Memory {
    const memory = this.classify(pa);
    this.emit({ kind: "host-access", pa, memory, write, purpose });
    if (memory === "none") {
      throw new HostCrash(`kernel fault: direct-map ${write ? "write" : "read"} of pa 0x${pa.toString(16)}`);
    }
    return memory;
  }

  /** The current vcpu's GHCB page and the request in it (set by the guest side before a VMGEXIT). */
  get guestGhcb(): { gpa: bigint; request: GhcbRequest } | null {
    return this.guestGhcbs[this.currentVcpu] ?? null;
  }

  set guestGhcb(ghcb: { gpa: bigint; request: GhcbRequest } | null) {
    this.guestGhcbs[this.currentVcpu] = ghcb;
  }

  /** The host reads a GHCB at `pa`: the guest's request when `pa` is in the guest's GHCB page, else zeros. */
  readGhcb(pa: bigint): GhcbRequest {
    this.directMapAccess(pa, false, "ghcb");
    const ghcb = this.guestGhcb;
    if (ghcb === null) return EMPTY_GHCB;
    const page = this.backingOf(ghcb.gpa & PAGE_MASK);
    return page !== null && (pa & PAGE_MASK) === page ? ghcb.request : EMPTY_GHCB;
  }

  /** The host writes its answer into a GHCB at `pa`. */
  writeGhcb(pa: bigint): void {
    this.directMapAccess(pa, true, "ghcb");
  }

  /**
   * The PSP firmware's LAUNCH_START for an SEV (or SEV-ES) guest. The firmware runs only when memory encryption is
   * enabled (SYSCFG.MemEncryptionModEn on a CPU with SME, APM vol 2 §15.34.3) and the CPU reports SEV (and SEV-ES) in
   * CPUID Fn8000_001F EAX (APM vol 2 §15.34.1).
   */
  pspLaunchStart(seves: boolean): boolean {
    const boot = this.hardware[0];
    if (!boot || !boot.encryptionActive) return false;
    return boot.sev && (!seves || boot.sevEs);
  }

  /** Whether the vcpu runs as SEV-ES on `cpu`: the VMCB asks for it and the hardware can do it. */
  sevEsActive(vmcbSevEs: boolean, cpu: number): boolean {
    const hw = this.hardware[cpu];
    return vmcbSevEs && hw !== undefined && hw.encryptionActive && hw.sevEs;
  }
}

/** Where the guest's ranges lie in host memory and in vmd, and the end of the last backed one. */
interface Layout {
  readonly ranges: readonly Backing[];
  readonly top: bigint;
}

/**
 * The last memory map's layout: A, B and the diff build a machine for the same scenario in turn. A scenario's
 * memory map is not changed once drawn or read (the minimizer builds new arrays), so the array identifies it.
 */
let last: { memory: readonly MemRange[]; layout: Layout } | null = null;

function layoutOf(memory: readonly MemRange[]): Layout {
  if (last !== null && last.memory === memory) return last.layout;
  const ranges = layoutGuestMemory(memory);
  const top = ranges.reduce((end, r) => (r.backed ? r.hpaEnd : end), GUEST_BACKING_BASE);
  const layout = { ranges, top };
  last = { memory, layout };
  return layout;
}

function layoutGuestMemory(memory: readonly MemRange[]): Backing[] {
  let hpa = GUEST_BACKING_BASE;
  let va = VMD_VA_BASE;
  return memory.map((m) => {
    const backed = m.type !== "mmio";
    const r: Backing = { gpa: m.gpa, end: m.gpa + m.size, hpa, hpaEnd: hpa + m.size, va, vaEnd: va + m.size, backed };
    if (backed) hpa += m.size;
    va += m.size;
    return r;
  });
}
