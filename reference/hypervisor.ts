// The reference model as a hypervisor the simulated machine runs: each decision is one of the rules of this
// directory; this file only reads the machine, applies the rule and records the nested PTEs it writes.
import { SVM_VMEXIT_NPF, SVM_VMEXIT_VMGEXIT } from "../src/cpu/hypervisor";
import type { Disposition, Hypervisor, HypervisorFactory, VmExit } from "../src/cpu/hypervisor";
import type { Machine } from "../src/cpu/machine";
import { VMM_MAX_VCPUS_PER_VM, type Scenario } from "../src/scenario/types";
import { createDecision, VMM_UP_ONLY } from "./create";
import { decodeHostCpu, type HostCpuView } from "./cpuid";
import { EINVAL, ENOMEM } from "./errno";
import { outOfMemoryFails } from "./memory";
import { gpaKind } from "./memmap";
import { insnBytesValid, npfAction } from "./npf";
import { PAGE_OFFSET, mapsMemory, memoryPte, reservedBitsPte } from "./pte";
import { pvclockAction, pvclockArea, pvclockAtEntry, wallClockArea, PVCLOCK_WALL_CLOCK_SIZE } from "./pvclock";
import { reservedAddressBits, reservedOnEveryCpu } from "./reserved";
import {
  GHCB_MSR,
  SW_EXITCODE,
  ghcbErrorFor,
  ghcbMsrNamesGhcb,
  ghcbMsrProtocolAnswer,
  ghcbReachable,
  ghcbRequestKind,
  mmioNaeForMmio,
  mmioNaeOutsideMmio,
  unusableGhcbFailsRun,
} from "./vmgexit";
import { fieldMask } from "./bits";

const RESUME: Disposition = Object.freeze({ kind: "resume" });
const FAIL: Disposition = Object.freeze({ kind: "error", errno: EINVAL });

/** The host CPUs as the reference model decodes them, boot CPU first. */
export function hostCpusOf(machine: Machine): HostCpuView[] {
  return machine.host.cpus.map((_, i) =>
    decodeHostCpu(machine.vendor(i), (leaf) => machine.cpuid(i, leaf), machine.syscfgMemEncryptionModEn(i)),
  );
}

/** What the host keeps per vcpu. */
interface VcpuState {
  /** The GPA of the vcpu's registered pvclock (null before it registered one). */
  pvclockGpa: bigint | null;
  /** The vcpu's last exit went to vmd: its next exit comes after vmd re-entered it. */
  atVmd: boolean;
}

export class ReferenceHypervisor implements Hypervisor {
  readonly name: string;
  readonly npt = new Map<bigint, bigint>();
  /** The rule that refused VM creation and its details in words (null when it succeeded or has not run). */
  private refused: { rule: string; detail: string } | null = null;
  private created = false;
  private sevEs = false;
  /** The nested-PTE bits reserved on every host CPU, written into MMIO entries of an SEV-ES guest. */
  private mmioMask = 0n;
  /** Per vcpu (the pvclock MSR and the run loop are each vcpu's own), by vcpu index. */
  private readonly vcpus: VcpuState[] = [];
  /** Entries left for mapping guest pages (scenario host.pvEntries; null: unlimited), rule outOfMemoryFails. */
  private mappingEntries: number | null;
  /** Guest pages the host has mapped for itself (vmd's mapping), each taking an entry once. */
  private readonly hostMapped = new Set<bigint>();

  constructor(
    private readonly machine: Machine,
    private readonly scenario: Scenario,
    /** The most vcpus vmm's contract lets a VM have (vm_create: one today). */
    private readonly maxVcpus = VMM_UP_ONLY,
  ) {
    this.name = maxVcpus === VMM_UP_ONLY ? "reference" : "reference-smp";
    this.mappingEntries = scenario.host.pvEntries ?? null;
  }

  createVm(): number {
    // The decode depends on the host alone: decoded once and shared by the runs that follow on the host.
    const cpus = this.machine.hostState.derive(hostCpusOf, () => hostCpusOf(this.machine));
    const decision = createDecision({
      memory: this.scenario.memory,
      guest: this.scenario.guest,
      maxVcpus: this.maxVcpus,
      cpus,
      pspLaunchStart: (seves) => this.machine.pspLaunchStart(seves),
    });
    // Which CPUs count is a choice only where it changes the answer from the boot CPU's own (KVM reads that one).
    if (this.scenario.guest.sev && everyCpuChangesIt(cpus, this.scenario.guest.sevEs)) {
      this.applied("reservedOnEveryCpu");
    }
    if (!decision.ok) {
      this.applied(decision.rule);
      this.refused = { rule: decision.rule, detail: decision.detail };
      return decision.errno;
    }
    if (decision.sevEs) this.applied("sevEsMmioMask");
    this.created = true;
    this.sevEs = decision.sevEs;
    this.mmioMask = decision.mmioMask;
    for (let i = 0; i < (this.scenario.guest.vcpus ?? 1); i++) this.vcpus.push({ pvclockGpa: null, atVmd: false });
    return 0;
  }

  /** The name of the rule that refused VM creation: stable words, fit for a finding's signature. */
  refusal(): string | null {
    return this.refused?.rule ?? null;
  }

  /** Why VM creation was refused, in words with the particulars (which range, which count). */
  refusalDetail(): string | null {
    return this.refused?.detail ?? null;
  }

  vcpuSevEs(_vcpu: number): boolean {
    return this.created && this.sevEs;
  }

  handleExit(exit: VmExit, _cpu: number, id: number): Disposition {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) return FAIL;
    this.reenteredByVmd(vcpu);
    switch (exit.code) {
      case SVM_VMEXIT_NPF:
        return this.entered(vcpu, this.nestedPageFault(exit.exitinfo2, exit.insnLength));
      case SVM_VMEXIT_VMGEXIT:
        return this.entered(vcpu, this.vmgexit(exit.ghcbMsr));
    }
  }

  pvclock(gpa: bigint, _cpu: number, id: number): Disposition {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) return FAIL;
    this.reenteredByVmd(vcpu);
    this.applied("pvclockAction");
    const action = pvclockAction(pvclockArea(this.scenario.memory, gpa), mapsMemory(this.npt.get(pageOf(gpa))));
    if (action !== "refuse") vcpu.pvclockGpa = gpa;
    if (action === "write") this.machine.directMapAccess(this.backing(gpa), true, "pvclock");
    return this.entered(vcpu, RESUME);
  }

  wallclock(gpa: bigint, _cpu: number, id: number): Disposition {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) return FAIL;
    this.reenteredByVmd(vcpu);
    const first = pageOf(gpa);
    const last = pageOf(gpa + PVCLOCK_WALL_CLOCK_SIZE - 1n);
    const mapped = mapsMemory(this.npt.get(first)) && mapsMemory(this.npt.get(last));
    this.applied("pvclockAction");
    if (pvclockAction(wallClockArea(this.scenario.memory, gpa), mapped) === "write") {
      this.machine.directMapAccess(this.backing(gpa), true, "wallclock");
      if (last !== first) this.machine.directMapAccess(this.backing(last), true, "wallclock");
    }
    return this.entered(vcpu, RESUME);
  }

  /** vmd restores the pvclock from outside the run loop: a registration as the guest's own, without an entry. */
  vmdPvclock(gpa: bigint, id: number): Disposition {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) return FAIL;
    this.applied("pvclockAction");
    const action = pvclockAction(pvclockArea(this.scenario.memory, gpa), mapsMemory(this.npt.get(pageOf(gpa))));
    if (action !== "refuse") vcpu.pvclockGpa = gpa;
    if (action === "write") this.machine.directMapAccess(this.backing(gpa), true, "pvclock");
    return RESUME;
  }

  /** Before the vcpu is entered again: the update of its pvclock (rule pvclockAtEntry). */
  private guestEntry(vcpu: VcpuState): void {
    const gpa = vcpu.pvclockGpa;
    if (gpa !== null && pvclockAtEntry(true, mapsMemory(this.npt.get(pageOf(gpa))))) {
      this.machine.directMapAccess(this.backing(gpa), true, "pvclock");
    }
  }

  /** The vcpu is entered again after a disposition that resumes it; vmd re-enters it after an exit to vmd. */
  private entered(vcpu: VcpuState, d: Disposition): Disposition {
    if (d.kind === "resume" || d.kind === "resume-ghcb-error") this.guestEntry(vcpu);
    if (d.kind === "vmd") vcpu.atVmd = true;
    return d;
  }

  private reenteredByVmd(vcpu: VcpuState): void {
    if (!vcpu.atVmd) return;
    vcpu.atVmd = false;
    this.guestEntry(vcpu);
  }

  private nestedPageFault(gpa: bigint, insnLength: number): Disposition {
    const page = pageOf(gpa);
    this.applied("npfAction");
    switch (npfAction(this.kindOf(gpa), this.sevEs)) {
      case "map-memory": {
        this.applied("memoryPte");
        const hostNeeds = this.hostMapped.has(page) ? 0 : 1;
        const left = outOfMemoryFails(this.mappingEntries, hostNeeds + 1);
        if (left === "fail") return { kind: "error", errno: ENOMEM };
        // An entry that maps the page already keeps the one it took: entering it again keeps none.
        const keptAlready = mapsMemory(this.npt.get(page)) && left !== null ? 1 : 0;
        this.mappingEntries = left === null ? null : left + keptAlready;
        this.hostMapped.add(page);
        this.npt.set(page, memoryPte(this.backing(page)));
        return RESUME;
      }
      case "map-reserved": {
        this.applied("reservedBitsPte");
        // The entry must be allocatable, but maps no memory the host keeps track of: nothing stays taken.
        if (outOfMemoryFails(this.mappingEntries, 1) === "fail") return { kind: "error", errno: ENOMEM };
        this.npt.set(page, reservedBitsPte(this.mmioMask));
        return RESUME;
      }
      case "vmd-assist": {
        this.applied("insnBytesValid");
        const valid = insnBytesValid(this.scenario.host.decodeAssist, insnLength);
        return {
          kind: "vmd",
          reason: "mmio-assist",
          gpa,
          insnBytes: valid,
          insnLength: valid ? insnLength : 0,
          size: 0n,
          write: false,
          dataGpa: 0n,
        };
      }
      case "error":
        return FAIL;
    }
  }

  private vmgexit(ghcbMsr: bigint): Disposition {
    if ((ghcbMsr & fieldMask(GHCB_MSR.GHCBInfo)) !== 0n) {
      this.applied("ghcbMsrProtocolAnswer");
      const answer = ghcbMsrProtocolAnswer(ghcbMsr);
      return answer === "terminate" ? FAIL : { kind: "resume-msr", ghcbMsr: answer };
    }
    if (!ghcbReachable(ghcbMsr, this.kindOf(ghcbMsr), mapsMemory(this.npt.get(pageOf(ghcbMsr))))) {
      this.applied(ghcbMsrNamesGhcb(ghcbMsr) ? "ghcbReachable" : "ghcbMsrNamesGhcb");
      this.applied("unusableGhcbFailsRun");
      return unusableGhcbFailsRun() === "fail-run" ? FAIL : RESUME;
    }
    this.applied("ghcbReachable");
    const hpa = this.backing(ghcbMsr);
    const request = this.machine.readGhcb(hpa);
    this.applied("ghcbRequestKind");
    switch (ghcbRequestKind(request.swExitCode)) {
      case "cpuid":
        this.machine.writeGhcb(hpa);
        return RESUME;
      case "mmio":
        if (!mmioNaeForMmio(this.kindOf(request.swExitInfo1))) {
          this.applied("mmioNaeOutsideMmio");
          if (mmioNaeOutsideMmio() === "ghcb-error") {
            this.applied("ghcbErrorFor");
            return ghcbError("mmio-not-mmio");
          }
        } else this.applied("mmioNaeForMmio");
        return {
          kind: "vmd",
          reason: "mmio-nae",
          gpa: request.swExitInfo1,
          insnBytes: false,
          insnLength: 0,
          size: request.swExitInfo2,
          write: request.swExitCode === SW_EXITCODE.MMIO_WRITE,
          dataGpa: request.swScratch,
        };
      case "unsupported":
        this.applied("ghcbErrorFor");
        return ghcbError("unsupported");
    }
  }

  /** Records in the outcome that this rule decided (reference/RULES.md tags it spec or policy). */
  private applied(rule: string): void {
    this.machine.emit({ kind: "rule", rule });
  }

  private kindOf(gpa: bigint) {
    return gpaKind(this.scenario.memory, gpa);
  }

  /** The host frame behind guest memory at `gpa`; guest memory always has one (the machine lays it out). */
  private backing(gpa: bigint): bigint {
    const hpa = this.machine.backingOf(gpa);
    if (hpa === null) throw new Error(`reference: no host frame behind guest memory at 0x${gpa.toString(16)}`);
    return hpa;
  }
}

/**
 * Whether taking every CPU instead of the boot CPU alone changes what VM creation decides: the C-bit (all must
 * agree) or, for SEV-ES, the MMIO mask (bits reserved on every CPU).
 */
function everyCpuChangesIt(cpus: readonly HostCpuView[], sevEs: boolean): boolean {
  const boot = cpus[0];
  if (boot === undefined) return false;
  if (cpus.some((c) => c.cBit !== boot.cBit)) return true;
  return sevEs && reservedOnEveryCpu(cpus) !== reservedAddressBits(boot);
}

function ghcbError(why: Parameters<typeof ghcbErrorFor>[0]): Disposition {
  return { kind: "resume-ghcb-error", ...ghcbErrorFor(why) };
}

/** The bits of a GPA above its page offset (a constant, so that no BigInt is computed per use). */
const PAGE_FRAME = ~PAGE_OFFSET;

function pageOf(gpa: bigint): bigint {
  return gpa & PAGE_FRAME;
}

export const referenceFactory: HypervisorFactory = (machine, scenario) => new ReferenceHypervisor(machine, scenario);

/**
 * The reference under a vmm contract widened to VMs of up to VMM_MAX_VCPUS_PER_VM vcpus: what-if, for the questions
 * only a VM of two vcpus asks (a GHCB or pvclock per vcpu, one nested page faulted by one vcpu and used by another).
 */
export const smpReferenceFactory: HypervisorFactory = (machine, scenario) =>
  new ReferenceHypervisor(machine, scenario, VMM_MAX_VCPUS_PER_VM);
