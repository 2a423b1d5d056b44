// Variant "series-7": the tree with 0001..0007: an #NPF on an MMIO page of an SEV-ES guest installs a nested PTE whose
// address has the bits reserved on every CPU, so the guest's retry raises #VC.
/*
 * Source: 0007-npf-mmio-rsvd-bits.diff beside this file, applied after 0001..0006 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b). The function below is the
 * whole patched function as vmm_machdep.ts ports it; the diff's `+` lines stand as comments beside the TS.
 *
 * Deliberate differences: those of vmm_machdep.ts.
 */
import { EAGAIN, EINVAL } from "../../errno";
import { curcpu, type Kernel } from "../../kernel";
import { PMAP_CANFAIL, PROT_EXEC, PROT_READ, PROT_WRITE, pmap_enter, trunc_page } from "../../pmap";
import { vmm_get_guest_memtype } from "../../vmm";
import { memset_vee, svm_fault_page } from "../../vmm_machdep";
import {
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  type vcpu,
} from "../../vmmvar";
import { series6 } from "./0006-ghcb-every-vmgexit";
import { portVariant } from "../variant";

/**
 * svm_handle_np_fault, with 0007.
 *
 * High level nested paging handler for SVM. Verifies that a fault is for a
 * valid memory region, then faults a page, or aborts otherwise.
 */
export function svm_handle_np_fault(k: Kernel, vcpu: vcpu): number {
  let gpa: bigint;
  let gpa_memtype: number;
  let ret = 0;
  const vmcb = vcpu.vc_control;
  const vee = vcpu.vc_exit.vee;
  const ci = curcpu(k);

  memset_vee(vee); // memset(vee, 0, sizeof(*vee));

  gpa = vmcb.v_exitinfo2;

  gpa_memtype = vmm_get_guest_memtype(vcpu.vc_parent, gpa);
  switch (gpa_memtype) {
    case VMM_MEM_TYPE_REGULAR:
      vee.vee_fault_type = VEE_FAULT_HANDLED;
      ret = svm_fault_page(k, vcpu, gpa);
      break;
    case VMM_MEM_TYPE_MMIO:
      if (vcpu.vc_seves) {
        // + if (vcpu->vc_seves) {
        vee.vee_fault_type = VEE_FAULT_HANDLED; // + vee->vee_fault_type = VEE_FAULT_HANDLED;
        /*
         * Map the page to an address whose bits are reserved
         * in nested page table entries on all CPUs (see
         * identifycpu()): the guest's next access raises
         * #VC(SVM_VMEXIT_NPF) in the guest instead of #NPF,
         * and the guest asks for the access with an MMIO NAE
         * event (GHCB specification 4.1.5).  No memory is
         * mapped, so there is nothing for uvm_fault() to do.
         * Without page table pages, fail the run with ENOMEM
         * instead of panicking.
         */
        // + ret = pmap_enter(vcpu->vc_parent->vm_pmap, trunc_page(gpa), amd64_pa_rsvd_mask,
        // +     PROT_READ | PROT_WRITE | PROT_EXEC, PMAP_CANFAIL);
        ret = pmap_enter(
          k.pmap,
          vcpu.vc_parent.vm_pmap,
          trunc_page(gpa),
          k.g.amd64_pa_rsvd_mask ?? 0n,
          PROT_READ | PROT_WRITE | PROT_EXEC,
          PMAP_CANFAIL,
        );
      } else {
        // + } else {
        vee.vee_fault_type = VEE_FAULT_MMIO_ASSIST;
        if (ci.ci_vmm_cap.vcc_svm.svm_decode_assist) {
          vee.vee_insn_len = vmcb.v_n_bytes_fetched;
          vee.vee_insn_bytes.set(vmcb.v_guest_ins_bytes); // memcpy(&vee->vee_insn_bytes, vmcb->v_guest_ins_bytes, ...)
          vee.vee_insn_info |= VEE_BYTES_VALID;
        }
        ret = EAGAIN;
      }
      break;
    default:
      // printf("%s: unknown memory type %d for GPA 0x%llx\n", __func__, gpa_memtype, gpa);
      return EINVAL;
  }

  return ret;
}

export const series7 = portVariant("the tree with patches 0001..0007 of the series", {
  ...series6.tree,
  name: "series-7",
  svm_handle_np_fault,
});
