// The interface every hypervisor implementation (the port's variants, the reference model) offers the machine.
import type { Scenario } from "../scenario/types";
import type { VmdExit } from "./events";
import type { Machine } from "./machine";

/** SVM exit codes the machine delivers as automatic exits (APM vol 2 Appendix C). */
export const SVM_VMEXIT_NPF = 0x400;
export const SVM_VMEXIT_VMGEXIT = 0x403;

export type VmExit =
  /** #NPF: EXITINFO1 = error code, EXITINFO2 = faulting GPA; insnLength = bytes fetched by decode assist (0..15). */
  | { code: typeof SVM_VMEXIT_NPF; exitinfo1: bigint; exitinfo2: bigint; insnLength: number }
  /** VMGEXIT: the GHCB MSR value the guest left in the VMCB. The request itself is in guest memory. */
  | { code: typeof SVM_VMEXIT_VMGEXIT; ghcbMsr: bigint };

/** What the vcpu run loop does after the host handled an exit. */
export type Disposition =
  | { kind: "resume" }
  | { kind: "resume-ghcb-error"; exitinfo1: bigint; exitinfo2: bigint }
  /** Resume after a GHCB MSR protocol request, with the value the host left in the GHCB MSR. */
  | { kind: "resume-msr"; ghcbMsr: bigint }
  | ({ kind: "vmd" } & VmdExit)
  | { kind: "error"; errno: number };

export interface Hypervisor {
  readonly name: string;
  /** Boot-time CPU identification and VMM_IOC_CREATE (with vmd's own checks before it): 0 or an errno. */
  createVm(): number;
  /** Why createVm refused, in a few stable words (optional; used to tell root causes apart). */
  refusal?(): string | null;
  /** Whether the hypervisor set SEV-ES enable in the VMCB of vcpu `vcpu` (meaningful after createVm). */
  vcpuSevEs(vcpu: number): boolean;
  /** An automatic #VMEXIT of vcpu `vcpu` (index below guest.vcpus) reached the host kernel on host CPU `cpu`. */
  handleExit(exit: VmExit, cpu: number, vcpu: number): Disposition;
  /** The host's pvclock update after vcpu `vcpu` pointed its (enabled) pvclock at `gpa`. */
  pvclock(gpa: bigint, cpu: number, vcpu: number): Disposition;
  /** Vcpu `vcpu` wrote the KVM wall-clock MSR with `gpa`. */
  wallclock(gpa: bigint, cpu: number, vcpu: number): Disposition;
  /** vmd restores vcpu `vcpu`'s pvclock as `gpa` with the enable bit (VMM_IOC_WRITEVMPARAMS) while it is out. */
  vmdPvclock(gpa: bigint, vcpu: number): Disposition;
  /** Nested page table leaf entries, by guest-physical page address; the machine walks it. */
  readonly npt: ReadonlyMap<bigint, bigint>;
}

export type HypervisorFactory = (machine: Machine, scenario: Scenario) => Hypervisor;
