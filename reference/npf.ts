// The host's answer to an automatic #VMEXIT(NPF): map guest memory, mark MMIO for an SEV-ES guest, or hand the
// access to vmd for emulation.
import type { GpaKind } from "./memmap";

/** What the host does with one #NPF. */
export type NpfAction =
  /** Install a nested leaf mapping the guest page to its host frame, resume the guest. */
  | "map-memory"
  /** Install a nested leaf with reserved bits set (maps nothing), resume the guest: its retry raises #VC. */
  | "map-reserved"
  /** Leave the kernel for vmd(8), which emulates the MMIO access. */
  | "vmd-assist"
  /** The GPA is in no guest memory range: the run fails. */
  | "error";

/**
 * Rule `npfAction`. The #NPF exit carries the faulting GPA in EXITINFO2 (APM vol 2 (24593 rev 3.41) §15.25.6). By what
 * the GPA is:
 * - guest memory (RAM, reserved): map the page and resume (vmm contract, OpenBSD vmm_machdep.c 1.59
 *   svm_handle_np_fault: the regular case sets VEE_FAULT_HANDLED and enters the page in the nested pmap).
 * - MMIO, SEV-ES guest: GHCB spec 56421 §4.1.5: the hypervisor cannot read an SEV-ES guest's instruction, the guest
 *   must assist; a nested entry with reserved bits makes the access a non-automatic exit (APM vol 2 §15.35.4, Table
 *   15-33: "400h VMEXIT_NPF — only if PFCODE[3]=0"), i.e. #VC(0x400) in the guest, now and on every retry.
 * - MMIO, any other guest: exit to vmd for emulation (svm_handle_np_fault: "vee->vee_fault_type =
 *   VEE_FAULT_MMIO_ASSIST;" ... "ret = EAGAIN;"; vcpu_run_svm: "EAGAIN: help from vmd is needed").
 * - nothing: svm_handle_np_fault: "unknown memory type %d for GPA 0x%llx", EINVAL (vcpu_run_svm: "EINVAL: an error
 *   occurred").
 */
export function npfAction(kind: GpaKind, sevEsGuest: boolean): NpfAction {
  switch (kind) {
    case "memory":
      return "map-memory";
    case "mmio":
      return sevEsGuest ? "map-reserved" : "vmd-assist";
    case "none":
      return "error";
  }
}

/**
 * Rule `insnBytesValid`. APM vol 2 (24593 rev 3.41) §15.38 (decode assists): on #NPF the processor saves the number of
 * instruction bytes it fetched (0..15) and the bytes; with none fetched there is nothing to hand on. vmm contract
 * (OpenBSD vmm_machdep.c 1.59 svm_handle_np_fault): "if (ci->ci_vmm_cap.vcc_svm.svm_decode_assist) {",
 * "vee->vee_insn_len = vmcb->v_n_bytes_fetched;", "vee->vee_insn_info |= VEE_BYTES_VALID;".
 */
export function insnBytesValid(decodeAssist: boolean, insnLength: number): boolean {
  return decodeAssist && insnLength > 0;
}
