// Variant "series-6": the tree with 0001..0006: the GHCB is taken from the GHCB MSR at every VMGEXIT, not only once.
/*
 * Source: 0006-ghcb-every-vmgexit.diff beside this file, applied after 0001..0005 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b). The function below is the
 * whole patched function as vmm_machdep.ts ports it; the diff's `+` lines stand as comments beside the TS.
 *
 * Deliberate differences: those of vmm_machdep.ts.
 */
import { ref, u32, u32of64, u64not } from "../../c";
import { EINVAL } from "../../errno";
import { MSR_PROTO_CPUID_REQ, MSR_PROTO_CPUID_RESP, MSR_PROTO_TERMINATE } from "../../ghcb";
import type { Kernel } from "../../kernel";
import { PG_FRAME, PMAP_DIRECT_MAP, pmap_extract } from "../../pmap";
import { vmm_get_guest_memtype } from "../../vmm";
import { svm_handle_msr, svm_vmgexit_sync_guest, svm_vmgexit_sync_host, vmm_handle_cpuid } from "../../vmm_machdep";
import { VMM_MEM_TYPE_REGULAR, SVM_VMEXIT_CPUID, SVM_VMEXIT_IOIO, SVM_VMEXIT_MSR, type vcpu } from "../../vmmvar";
import { series5 } from "./0005-ghcb-guest-memory";
import { portVariant } from "../variant";

/**
 * svm_handle_vmgexit, with 0005 and 0006.
 *
 * Handle exits initiated by the guest due to #VC exceptions generated
 * when SEV-ES is enabled.
 */
export function svm_handle_vmgexit(k: Kernel, vcpu: vcpu): number {
  const vmcb = vcpu.vc_control;
  const vm = vcpu.vc_parent;
  let ghcb_gpa: bigint;
  const ghcb_hpa = ref(0n);
  let req: number, resp: number;
  let result: bigint;
  let syncout: number;
  let error = 0;

  out: {
    // + if ((vmcb->v_ghcb_gpa & ~PG_FRAME) == 0 &&
    //       (vmcb->v_ghcb_gpa & PG_FRAME) != 0) {
    if ((vmcb.v_ghcb_gpa & u64not(PG_FRAME)) === 0n && (vmcb.v_ghcb_gpa & PG_FRAME) !== 0n) {
      /*
       * Guest provides a valid guest physical address for the
       * GHCB.  The guest may move its GHCB (e.g. to a backup GHCB
       * while the first one is in use), so take the address of
       * every VMGEXIT.
       */
      ghcb_gpa = vmcb.v_ghcb_gpa & PG_FRAME;
      /* A GHCB is guest memory, never in an MMIO range. */
      // + if (vmm_get_guest_memtype(vm, ghcb_gpa) != VMM_MEM_TYPE_REGULAR)
      if (vmm_get_guest_memtype(vm, ghcb_gpa) !== VMM_MEM_TYPE_REGULAR) return EINVAL; // + return (EINVAL);
      if (!pmap_extract(k.pmap, vm.vm_pmap, ghcb_gpa, ghcb_hpa)) return EINVAL;
      vcpu.vc_svm_ghcb_va = PMAP_DIRECT_MAP(ghcb_hpa.value); // (vaddr_t)PMAP_DIRECT_MAP(ghcb_hpa);
    } else if ((vmcb.v_ghcb_gpa & u64not(PG_FRAME)) !== 0n) {
      /*
       * Low bits in use, thus must be a MSR protocol
       * request.
       */
      req = u32of64(vmcb.v_ghcb_gpa); // req = (vmcb->v_ghcb_gpa & 0xffffffff);

      /* We only support cpuid and terminate. */
      if ((BigInt(req) & u64not(PG_FRAME)) === BigInt(MSR_PROTO_TERMINATE)) {
        // DPRINTF("%s: guest requests termination\n", __func__);
        return 1;
      } else if ((BigInt(req) & u64not(PG_FRAME)) !== BigInt(MSR_PROTO_CPUID_REQ)) return EINVAL;

      /* Emulate CPUID */
      vmcb.v_exitcode = BigInt(SVM_VMEXIT_CPUID);
      vmcb.v_rax = k.cx.u64shr(vmcb.v_ghcb_gpa, 32, "vmm_machdep.c:svm_handle_vmgexit:v_ghcb_gpa >> 32");
      vcpu.vc_gueststate.vg_rax = 0n;
      vcpu.vc_gueststate.vg_rbx = 0n;
      vcpu.vc_gueststate.vg_rcx = 0n;
      vcpu.vc_gueststate.vg_rdx = 0n;
      error = vmm_handle_cpuid(k, vcpu);
      if (error) break out; // goto out;

      switch (req >>> 30) {
        case 0 /* eax: emulate cpuid and return eax */:
          result = vmcb.v_rax;
          break;
        case 1 /* return ebx */:
          result = vcpu.vc_gueststate.vg_rbx;
          break;
        case 2 /* return ecx */:
          result = vcpu.vc_gueststate.vg_rcx;
          break;
        case 3 /* return edx */:
          result = vcpu.vc_gueststate.vg_rdx;
          break;
        default:
          // DPRINTF("%s: unknown request 0x%x\n", __func__, req);
          return EINVAL;
      }

      /* build response */
      resp = u32(MSR_PROTO_CPUID_RESP | (req & 0xc0000000));
      vmcb.v_ghcb_gpa = k.cx.u64shl(result, 32, "vmm_machdep.c:svm_handle_vmgexit:result << 32") | BigInt(resp);

      return 0;
    }

    /* Verify GHCB and synchronize guest state information. */
    // ghcb = (struct ghcb_sa *)vcpu->vc_svm_ghcb_va;   (the pointer alone; no access)
    if (svm_vmgexit_sync_host(k, vcpu)) {
      error = EINVAL;
      break out; // goto out;
    }

    /* Handle GHCB protocol */
    syncout = 0;
    switch (vmcb.v_exitcode) {
      case BigInt(SVM_VMEXIT_CPUID):
        error = vmm_handle_cpuid(k, vcpu);
        vmcb.v_rip = vcpu.vc_gueststate.vg_rip;
        vcpu.vc_gueststate.vg_rax = vmcb.v_rax;
        syncout = 1;
        break;
      case BigInt(SVM_VMEXIT_IOIO):
        throw new Error("svm_handle_inout is not ported"); // if (svm_handle_inout(vcpu) == 0) error = EAGAIN;
      case BigInt(SVM_VMEXIT_MSR):
        error = svm_handle_msr(k, vcpu);
        vmcb.v_rip = vcpu.vc_gueststate.vg_rip;
        syncout = 1;
        break;
      default:
        // DPRINTF("%s: unknown exit 0x%llx\n", __func__, vmcb->v_exitcode);
        error = EINVAL;
    }

    if (syncout) error = svm_vmgexit_sync_guest(k, vcpu);
  }
  // out:
  return error;
}

export const series6 = portVariant("the tree with patches 0001..0006 of the series", {
  ...series5.tree,
  name: "series-6",
  svm_handle_vmgexit,
});
