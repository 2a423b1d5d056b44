// The host's answer to a VMGEXIT: find the GHCB the guest named, then serve the request in it (CPUID, MMIO NAE).
import { bits, fieldMask } from "./bits";
import type { GpaKind } from "./memmap";

/**
 * The GHCB MSR (MSR_SEV_ES_GHCB, C001_0130h), GHCB spec 56421 (rev 2.02) §2.3.1: "GHCBData[63:12]" and
 * "GHCBInfo[11:0]"; GHCBInfo 000h means the whole register is the GHCB's guest physical address (a page address),
 * any other value is a request of the MSR protocol.
 */
export const GHCB_MSR = Object.freeze({
  GHCBData: bits(63, 12),
  GHCBInfo: bits(11, 0),
});

/** SW_EXITCODE values (GHCB spec 56421 §4.1, Table 7 "NAE events"; APM vol 2 Appendix C for the exit codes). */
export const SW_EXITCODE = Object.freeze({
  /** VMEXIT_CPUID. */
  CPUID: 0x72n,
  /** "MMIO Read", SW_EXITINFO1 = GPA, SW_EXITINFO2 = number of bytes. */
  MMIO_READ: 0x80000001n,
  /** "MMIO Write", SW_EXITINFO1 = GPA, SW_EXITINFO2 = number of bytes. */
  MMIO_WRITE: 0x80000002n,
});

/**
 * Rule `ghcbMsrNamesGhcb` (policy). GHCB spec 56421 §2.3.1: with GHCBInfo = 0 the GHCB MSR holds the GHCB's
 * guest-physical address. That a zero address names no GHCB is not in the spec; it is what Linux KVM does
 * (sev_handle_vmgexit: "vmgexit: GHCB gpa is not set"), and the reference does the same. Any other GHCBInfo is an
 * MSR-protocol request (rule `ghcbMsrProtocolAnswer`).
 */
export function ghcbMsrNamesGhcb(msr: bigint): boolean {
  return (msr & fieldMask(GHCB_MSR.GHCBInfo)) === 0n && (msr & fieldMask(GHCB_MSR.GHCBData)) !== 0n;
}

/**
 * Rule `ghcbReachable`. The host reads the GHCB through its own mapping of guest memory: the page must be guest
 * memory (not MMIO, which no memory backs: vmm.c "No memory is mappable in MMIO ranges") and mapped in the nested
 * table. Linux KVM sev_handle_vmgexit answers a GHCB it cannot map ("Unable to map GHCB from guest",
 * "vmgexit: error mapping GHCB [%#llx] from guest") with -EINVAL.
 */
export function ghcbReachable(msr: bigint, kind: GpaKind, mappedInNpt: boolean): boolean {
  return ghcbMsrNamesGhcb(msr) && kind === "memory" && mappedInNpt;
}

/** What the host does after a VMGEXIT whose GHCB it cannot use. */
export type UnusableGhcbAnswer = "fail-run";

/**
 * Rule `unusableGhcbFailsRun` (policy). The specs do not say what a host does with a VMGEXIT whose GHCB it cannot
 * read (none named, or not guest memory it maps): there is no GHCB to write an error into. The reference fails the
 * run with EINVAL (vmm contract, vcpu_run_svm: "EINVAL: an error occurred"): resuming would leave the guest with a
 * request nobody answered and no way to tell. Linux KVM today (arch/x86/kvm/svm/sev.c, sev_handle_vmgexit) resumes
 * the guest instead ("Without a GHCB, just return right back to the guest"); it failed the run with -EINVAL before.
 */
export function unusableGhcbFailsRun(): UnusableGhcbAnswer {
  return "fail-run";
}

/** The requests a GHCB may hold, as the reference model serves them. */
export type GhcbRequestKind = "cpuid" | "mmio" | "unsupported";

/**
 * Rule `ghcbRequestKind`. GHCB spec 56421 §4.1 (NAE events): SW_EXITCODE names the event: 0x72 CPUID; 0x8000_0001 "MMIO
 * Read" and 0x8000_0002 "MMIO Write" (§4.1.5). Anything else is not served here: the host answers with an error status
 * in SW_EXITINFO1[31:0] (0 is success, non-zero an error; as Linux commit 06f2ac3d4219 uses it) and resumes the guest.
 */
export function ghcbRequestKind(swExitCode: bigint): GhcbRequestKind {
  if (swExitCode === SW_EXITCODE.CPUID) return "cpuid";
  if (swExitCode === SW_EXITCODE.MMIO_READ || swExitCode === SW_EXITCODE.MMIO_WRITE) return "mmio";
  return "unsupported";
}

/**
 * Rule `mmioNaeForMmio`. GHCB spec 56421 §4.1.5: the MMIO NAE event asks the hypervisor to perform the access at
 * SW_EXITINFO1 (the GPA) of SW_EXITINFO2 bytes: for a GPA in an MMIO range that is MMIO emulation, vmd's job.
 */
export function mmioNaeForMmio(kind: GpaKind): boolean {
  return kind === "mmio";
}

/**
 * Rule `mmioNaeOutsideMmio` (policy). The GHCB spec does not say what the host does with an MMIO NAE event for a
 * GPA that is guest memory or in no range. The reference answers it with an error in the GHCB: vmd emulates only
 * its devices, which live in the MMIO ranges, so for any other GPA it could only answer the same error one round
 * trip later. Linux KVM (sev_handle_vmgexit → kvm_sev_es_mmio_read/_write) checks nothing about the GPA and hands
 * what no in-kernel device claims to user space as KVM_EXIT_MMIO, whose memory map decides.
 */
export function mmioNaeOutsideMmio(): "ghcb-error" {
  return "ghcb-error";
}

/** The error the host leaves in the GHCB: SW_EXITINFO1[31:0] and SW_EXITINFO2. */
export interface GhcbError {
  exitinfo1: bigint;
  exitinfo2: bigint;
}

/**
 * Rule `ghcbErrorFor` (policy). GHCB spec 56421 §4.1 (SW_EXITINFO1 on return): 1 = "an exception is to be injected",
 * SW_EXITINFO2 holding it in event-injection format (APM vol 2 §15.20: vector, type 3 = exception, bit 11
 * error-code valid, bit 31 valid); 2 = the input was malformed, SW_EXITINFO2 naming why. The spec leaves the choice
 * to the hypervisor. Policy, as Linux KVM (arch/x86/kvm/svm/sev.c): an event it does not serve is
 * GHCB_HV_RESP_MALFORMED_INPUT (2) with GHCB_ERR_INVALID_EVENT (6); an MMIO NAE for a GPA that is not MMIO is the
 * guest's mistake, answered with #GP(0) injected, as a real access to nothing would be.
 */
export function ghcbErrorFor(why: "unsupported" | "mmio-not-mmio"): GhcbError {
  if (why === "unsupported") return { exitinfo1: 2n, exitinfo2: 6n };
  const GP = 13n;
  return { exitinfo1: 1n, exitinfo2: GP | (3n << 8n) | (1n << 11n) | (1n << 31n) };
}

/**
 * Rule `ghcbMsrProtocolAnswer` (spec for CPUID and termination; policy for any other request). GHCB spec 56421 §2.3.1 (GHCB MSR protocol): GHCBInfo 0x004 "CPUID Request",
 * GHCBData[31:30] the register (0 EAX … 3 EDX), [63:32] the function; the answer is GHCBInfo 0x005 "CPUID Response"
 * with the same register bits and the value in [63:32] (the CPUID values are not modelled: 0 here; the diff compares
 * bits 31:0). GHCBInfo 0x100 "Termination Request": the guest asks to be terminated; the VM stops (older Linux KVM
 * returned -EINVAL from KVM_RUN; vmm's run contract: "EINVAL: an error occurred"). Any other request: as Linux KVM
 * sev_handle_vmgexit_msr_protocol, "Error, keep GHCB MSR value as-is" and resume.
 */
export function ghcbMsrProtocolAnswer(msr: bigint): bigint | "terminate" {
  const info = msr & fieldMask(GHCB_MSR.GHCBInfo);
  if (info === 0x004n) return 0x005n | (msr & 0xc0000000n);
  if (info === 0x100n) return "terminate";
  return msr;
}
