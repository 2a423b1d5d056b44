// Variant "bogus-hpa": the posted patch with the MMIO entry of an SEV-ES guest pointing at a host address outside
// RAM without reserved bits, the reviewer's other suggestion on tech@ ("force it to some completely bogus HPA"). The
// diff is bogus-hpa.diff beside this file; identifycpu and everything else are the posted patch's.
import { u64sub } from "../c";
import { EAGAIN, EINVAL } from "../errno";
import { curcpu, type Kernel } from "../kernel";
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, pmap_enter, trunc_page } from "../pmap";
import { vmm_get_guest_memtype, vmm_gpa_is_valid } from "../vmm";
import { memset_vee, svm_fault_page, svm_handle_vmgexit, vcpu_init_svm } from "../vmm_machdep";
import {
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  type vcpu,
} from "../vmmvar";
import { HPA_SHIFT_SITE, HPA_SUB_SITE, identifycpu } from "./posted";
import { portVariant } from "./variant";

/**
 * svm_handle_np_fault, with the posted patch and a bogus HPA without reserved bits.
 *
 * High level nested paging handler for SVM. Verifies that a fault is for a
 * valid memory region, then faults a page, or aborts otherwise.
 */
export function svm_handle_np_fault(k: Kernel, vcpu: vcpu): number {
  let gpa: bigint;
  let hpa: bigint; // + paddr_t hpa;
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
        /* Map a bogus HPA: the last page below the reduction window */
        // + hpa = (1ULL << (amd64_phys_addrsz - amd64_phys_red)) -
        // +     PAGE_SIZE;
        hpa = u64sub(
          k.cx.u64shl(1n, k.cx.intsub(k.g.amd64_phys_addrsz, k.g.amd64_phys_red, HPA_SUB_SITE), HPA_SHIFT_SITE),
          PAGE_SIZE,
        );
        // + ret = pmap_enter(vcpu->vc_parent->vm_pmap, trunc_page(gpa), hpa, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
        ret = pmap_enter(k.pmap, vcpu.vc_parent.vm_pmap, trunc_page(gpa), hpa, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
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

export const bogusHpa = portVariant("the posted patch with the MMIO entry at a bogus HPA (the reviewer's question)", {
  name: "bogus-hpa",
  identifycpu,
  svm_handle_np_fault,
  vcpu_init_svm,
  svm_handle_vmgexit,
  vmm_gpa_is_valid,
});
