// Variant "posted": the tree with the seed's patch applied ("vmm(4): For SEV-ES enabled guest raise #VC on MMIO
// related #NPF", hshoexer, tech@, 2025-11-13): MMIO #NPFs of SEV-ES guests get an NPT entry with reserved bits.
/*
 * Source: the seed's diff (vmm-sev-es-mmio-thread.txt) applied to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b) and
 * sys/arch/amd64/amd64/identcpu.c (29facd187fd38580ffc89ecf51b38b1640d57cbe). The diff's cpu.h hunk adds the
 * cpu_info field ci_feature_amdspec_eax and the extern declarations (see identcpu.ts cpu_info and kernel.ts).
 * The functions below are the whole patched functions, as far as identcpu.ts and vmm_machdep.ts port them; the
 * patch's `+` lines stand as comments beside the TS that ports them.
 *
 * Deliberate differences: those of identcpu.ts and vmm_machdep.ts.
 */
import { int, u64sub } from "../c";
import { CPUV_AMD, CPUV_INTEL, type cpu_info } from "../cpu_h";
import { EAGAIN, EINVAL } from "../errno";
import { CPUID } from "../identcpu";
import { curcpu, type Kernel } from "../kernel";
import { PROT_EXEC, PROT_READ, PROT_WRITE, pmap_enter, trunc_page } from "../pmap";
import { CPUID_AMD_SEV_CAP } from "../specialreg";
import { vmm_get_guest_memtype, vmm_gpa_is_valid } from "../vmm";
import { memset_vee, svm_fault_page, svm_handle_vmgexit, vcpu_init_svm } from "../vmm_machdep";
import {
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  type vcpu,
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
} from "../vmmvar";
import { portVariant } from "./variant";

/** Where the port reports undefined behaviour of the patch's shift. */
export const HPA_SHIFT_SITE = "vmm_machdep.c:svm_handle_np_fault:hpa <<= (amd64_phys_addrsz - amd64_phys_red)";
export const HPA_ONE_SHIFT_SITE = "vmm_machdep.c:svm_handle_np_fault:1ULL << amd64_phys_red";
export const HPA_SUB_SITE = "vmm_machdep.c:svm_handle_np_fault:amd64_phys_addrsz - amd64_phys_red";

/**
 * identifycpu, with the patch.
 */
export function identifycpu(k: Kernel, ci: cpu_info): void {
  // CPUID(0x80000000, ci->ci_pnfeatset, dummy, dummy, dummy);
  ci.ci_pnfeatset = CPUID(k, ci, 0x80000000).eax;

  // ... (brand string, family/model, TSC, leaf 7, printing: not ported)

  /* speculation control features */
  if (ci.ci_vendor === CPUV_AMD) {
    if (ci.ci_pnfeatset >= 0x80000008) {
      const r = CPUID(k, ci, 0x80000008);
      ci.ci_feature_amdspec_eax = r.eax; // + CPUID(0x80000008, ci->ci_feature_amdspec_eax,
      ci.ci_feature_amdspec_ebx = r.ebx; // +     ci->ci_feature_amdspec_ebx, dummy, dummy);
      k.g.amd64_phys_addrsz = ci.ci_feature_amdspec_eax & 0xff; // + amd64_phys_addrsz = ci->ci_feature_amdspec_eax & 0xff;
      // pcpuid(ci, "80000008", 'b', CPUID_MEMBER(ci_feature_amdspec_ebx), CPUID_AMDSPEC_EBX_BITS);
    }
  } else if (ci.ci_vendor === CPUV_INTEL) {
    // MSR_ARCH_CAPABILITIES / meltdown printing: not ported
  }

  /* AMD secure memory encryption and encrypted virtualization features */
  if (ci.ci_vendor === CPUV_AMD && ci.ci_pnfeatset >= CPUID_AMD_SEV_CAP) {
    const r = CPUID(k, ci, CPUID_AMD_SEV_CAP);
    ci.ci_feature_amdsev_eax = r.eax;
    ci.ci_feature_amdsev_ebx = r.ebx;
    ci.ci_feature_amdsev_ecx = r.ecx;
    ci.ci_feature_amdsev_edx = r.edx;
    // pcpuid3(ci, "8000001F", ...);
    k.g.amd64_pos_cbit = ci.ci_feature_amdsev_ebx & 0x3f; // amd64_pos_cbit = (ci->ci_feature_amdsev_ebx & 0x3f);
    // + amd64_phys_red = ((ci->ci_feature_amdsev_ebx >> 6) & 0x3f);
    k.g.amd64_phys_red = k.cx.u32shr(ci.ci_feature_amdsev_ebx, 6, "identcpu.c:identifycpu:ebx >> 6") & 0x3f;
    k.g.amd64_min_noes_asid = int(ci.ci_feature_amdsev_edx); // amd64_min_noes_asid = ci->ci_feature_amdsev_edx;
    // if (cpu_sev_guestmode && CPU_IS_PRIMARY(ci)) printf(...);
  }

  // ... (cpu_topology, cpu_check_vmm_cap, sensors: not ported)
}

/**
 * svm_handle_np_fault, with the patch.
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
        /* Setup invalid mapping to raise #VC in guest */
        // + hpa = (1ULL << amd64_phys_red) - 1;
        hpa = u64sub(k.cx.u64shl(1n, k.g.amd64_phys_red, HPA_ONE_SHIFT_SITE), 1n);
        // + hpa <<= (amd64_phys_addrsz - amd64_phys_red);
        hpa = k.cx.u64shl(hpa, k.cx.intsub(k.g.amd64_phys_addrsz, k.g.amd64_phys_red, HPA_SUB_SITE), HPA_SHIFT_SITE);
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

export const posted = portVariant("the tree with the seed's patch (tech@, 2025-11-13)", {
  name: "posted",
  identifycpu,
  svm_handle_np_fault,
  /* not touched by the patch: */
  vcpu_init_svm,
  svm_handle_vmgexit,
  vmm_gpa_is_valid,
});
