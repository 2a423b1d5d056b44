// The reference model as a hypervisor the simulated machine runs: each decision is one of the rules of this
// directory; this file only reads the machine, applies the rule and records the nested PTEs it writes.
import { SVM_VMEXIT_NPF, SVM_VMEXIT_VMGEXIT } from "../src/cpu/hypervisor";
import type { Disposition, Hypervisor, HypervisorFactory, VmExit } from "../src/cpu/hypervisor";
import type { Machine } from "../src/cpu/machine";
import type { Scenario } from "../src/scenario/types";
import { createDecision } from "./create";
import { decodeHostCpu, type HostCpuView } from "./cpuid";
import { EINVAL } from "./errno";
import { gpaKind } from "./memmap";
import { insnBytesValid, npfAction } from "./npf";
import { PAGE_OFFSET, mapsMemory, memoryPte, reservedBitsPte } from "./pte";
import { pvclockAction } from "./pvclock";
import { reservedAddressBits, reservedOnEveryCpu } from "./reserved";
import {
  ghcbMsrNamesGhcb,
  ghcbReachable,
  ghcbRequestKind,
  mmioNaeForMmio,
  mmioNaeOutsideMmio,
  unusableGhcbFailsRun,
} from "./vmgexit";

const RESUME: Disposition = Object.freeze({ kind: "resume" });
const GHCB_ERROR: Disposition = Object.freeze({ kind: "resume-ghcb-error" });
const FAIL: Disposition = Object.freeze({ kind: "error", errno: EINVAL });

/** The host CPUs as the reference model decodes them, boot CPU first. */
export function hostCpusOf(machine: Machine): HostCpuView[] {
  return machine.host.cpus.map((_, i) =>
    decodeHostCpu(machine.vendor(i), (leaf) => machine.cpuid(i, leaf), machine.syscfgMemEncryptionModEn(i)),
  );
}

export class ReferenceHypervisor implements Hypervisor {
  readonly name = "reference";
  readonly npt = new Map<bigint, bigint>();
  /** The rule that refused VM creation and its details in words (null when it succeeded or has not run). */
  private refused: { rule: string; detail: string } | null = null;
  private created = false;
  private sevEs = false;
  /** The nested-PTE bits reserved on every host CPU, written into MMIO entries of an SEV-ES guest. */
  private mmioMask = 0n;

  constructor(
    private readonly machine: Machine,
    private readonly scenario: Scenario,
  ) {}

  createVm(): number {
    // The decode depends on the host alone: decoded once per host, shared by every run on it.
    const cpus = this.machine.hostState.derive(hostCpusOf, () => hostCpusOf(this.machine));
    const decision = createDecision({
      memory: this.scenario.memory,
      guest: this.scenario.guest,
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

  vcpuSevEs(): boolean {
    return this.created && this.sevEs;
  }

  handleExit(exit: VmExit, _cpu: number): Disposition {
    if (!this.created) return FAIL;
    switch (exit.code) {
      case SVM_VMEXIT_NPF:
        return this.nestedPageFault(exit.exitinfo2, exit.insnLength);
      case SVM_VMEXIT_VMGEXIT:
        return this.vmgexit(exit.ghcbMsr);
    }
  }

  pvclock(gpa: bigint, _cpu: number): Disposition {
    if (!this.created) return FAIL;
    this.applied("pvclockAction");
    const action = pvclockAction(this.kindOf(gpa), mapsMemory(this.npt.get(pageOf(gpa))));
    if (action === "write") this.machine.directMapAccess(this.backing(gpa), true, "pvclock");
    return RESUME;
  }

  private nestedPageFault(gpa: bigint, insnLength: number): Disposition {
    const page = pageOf(gpa);
    this.applied("npfAction");
    switch (npfAction(this.kindOf(gpa), this.sevEs)) {
      case "map-memory":
        this.applied("memoryPte");
        this.npt.set(page, memoryPte(this.backing(page)));
        return RESUME;
      case "map-reserved":
        this.applied("reservedBitsPte");
        this.npt.set(page, reservedBitsPte(this.mmioMask));
        return RESUME;
      case "vmd-assist":
        this.applied("insnBytesValid");
        return {
          kind: "vmd",
          reason: "mmio-assist",
          gpa,
          insnBytes: insnBytesValid(this.scenario.host.decodeAssist, insnLength),
        };
      case "error":
        return FAIL;
    }
  }

  private vmgexit(ghcbMsr: bigint): Disposition {
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
          if (mmioNaeOutsideMmio() === "ghcb-error") return GHCB_ERROR;
        } else this.applied("mmioNaeForMmio");
        return { kind: "vmd", reason: "mmio-nae", gpa: request.swExitInfo1, insnBytes: false };
      case "unsupported":
        return GHCB_ERROR;
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

function pageOf(gpa: bigint): bigint {
  return gpa & ~PAGE_OFFSET;
}

export const referenceFactory: HypervisorFactory = (machine, scenario) => new ReferenceHypervisor(machine, scenario);
