// Variant "series-8": the whole series, 0001..0008: MMIO NAE events for MMIO GPAs, with a valid size and scratch area,
// exit to vmd(8) for emulation; others get an error in the GHCB. `proposed` is this variant under its old name.
/*
 * Source: 0008-mmio-nae-to-vmd.diff beside this file, applied after 0001..0007 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b) and its vmmvar.h. The
 * functions below are the whole patched functions as vmm_machdep.ts ports them; the diff's `+` lines stand as comments
 * beside the TS that ports them. vmmvar.h's struct vm_exit_mmio is vmm_machdep.ts vm_exit.vem (vem_size is a
 * uint8_t there: the port keeps the C's truncation with & 0xff).
 *
 * Deliberate differences: those of vmm_machdep.ts, and the GHCB is a structure loaded from the machine (ghcb_load) and
 * stored back (ghcb_store), as vmm_machdep.ts does; the MMIO NAE case loads it at its first access, one read more than
 * the C makes (guest RAM, unobserved).
 */
import { ref, u32, u32of64, u64not, u64sub } from "../../c";
import { EAGAIN, EINVAL } from "../../errno";
import {
  GHCB_RAX,
  GHCB_RBX,
  GHCB_RCX,
  GHCB_RDX,
  GHCB_SW_EXITCODE,
  GHCB_SW_EXITINFO1,
  GHCB_SW_EXITINFO2,
  GHCB_SW_SCRATCH,
  MSR_PROTO_CPUID_REQ,
  MSR_PROTO_CPUID_RESP,
  MSR_PROTO_TERMINATE,
  ghcb_valbm_isset,
  ghcb_valbm_set,
  ghcb_valid,
  ghcb_verify_bm,
  type ghcb_sa,
} from "../../ghcb";
import type { Kernel } from "../../kernel";
import { PG_FRAME, PMAP_DIRECT_MAP, pmap_extract } from "../../pmap";
import { vmm_get_guest_memtype } from "../../vmm";
import { ghcb_load, ghcb_store, svm_handle_msr, svm_vmgexit_sync_guest, vmm_handle_cpuid } from "../../vmm_machdep";
import {
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
  SEV_VMGEXIT_MMIO_READ,
  SEV_VMGEXIT_MMIO_WRITE,
  SVM_VMEXIT_CPUID,
  SVM_VMEXIT_IOIO,
  SVM_VMEXIT_MSR,
  VEI_DIR_IN,
  VEI_DIR_OUT,
  VMM_EX_GP,
  type vcpu,
} from "../../vmmvar";
import { series7 } from "./0007-npf-mmio-rsvd-bits";
import { portVariant } from "../variant";

/** struct ghcb_sa (ghcb.h,v 1.5): offsetof(struct ghcb_sa, v_sharedbuf), the shared buffer at 800h-FEFh. */
export const GHCB_OFFSETOF_SHAREDBUF = 0x800n;
/** offsetof(struct ghcb_sa, v_pad11): the first byte after the shared buffer (FF0h). */
export const GHCB_OFFSETOF_PAD11 = 0xff0n;

/** #GP(0) in the event injection format SW_EXITINFO2 uses with SW_EXITINFO1 = 1 (GHCB spec 56421). */
export const GHCB_EXITINFO2_GP = BigInt(VMM_EX_GP) | (3n << 8n) | (1n << 11n) | (1n << 31n);

/**
 * svm_vmgexit_sync_host, with 0008.
 *
 * sync guest ghcb -> host vmcb/vcpu
 */
export function svm_vmgexit_sync_host(k: Kernel, vcpu: vcpu): number {
  const vmcb = vcpu.vc_control;
  let ghcb: ghcb_sa;
  let svm_sw_exitcode: bigint;
  let valid_bm: Uint8Array;
  const expected_bm = new Uint8Array(0x10);

  if (!vcpu.vc_seves) return 0;

  if (vcpu.vc_svm_ghcb_va === 0n) return 0;

  ghcb = ghcb_load(k, vcpu.vc_svm_ghcb_va); // ghcb = (struct ghcb_sa *)vcpu->vc_svm_ghcb_va;
  if (!ghcb_valid(ghcb)) return EINVAL;
  valid_bm = ghcb.valid_bitmap;

  /* Always required. */
  expected_bm.fill(0); // memset(expected_bm, 0, sizeof(expected_bm));
  ghcb_valbm_set(expected_bm, GHCB_SW_EXITCODE);
  ghcb_valbm_set(expected_bm, GHCB_SW_EXITINFO1);
  ghcb_valbm_set(expected_bm, GHCB_SW_EXITINFO2);

  svm_sw_exitcode = ghcb.v_sw_exitcode;
  switch (svm_sw_exitcode) {
    case BigInt(SVM_VMEXIT_CPUID):
      ghcb_valbm_set(expected_bm, GHCB_RAX);
      ghcb_valbm_set(expected_bm, GHCB_RCX);
      break;
    case BigInt(SVM_VMEXIT_IOIO):
      if (ghcb.v_sw_exitinfo1 & 0x1n) {
        /* IN instruction, no registers used */
      } else {
        /* OUT instruction */
        ghcb_valbm_set(expected_bm, GHCB_RAX);
      }
      break;
    case BigInt(SVM_VMEXIT_MSR):
      if (ghcb.v_sw_exitinfo1 === 1n) {
        /* WRMSR */
        ghcb_valbm_set(expected_bm, GHCB_RAX);
        ghcb_valbm_set(expected_bm, GHCB_RCX);
        ghcb_valbm_set(expected_bm, GHCB_RDX);
      } else {
        /* RDMSR */
        ghcb_valbm_set(expected_bm, GHCB_RCX);
      }
      break;
    case BigInt(SEV_VMGEXIT_MMIO_READ): // + case SEV_VMGEXIT_MMIO_READ:
    case BigInt(SEV_VMGEXIT_MMIO_WRITE): // + case SEV_VMGEXIT_MMIO_WRITE:
      ghcb_valbm_set(expected_bm, GHCB_SW_SCRATCH); // + ghcb_valbm_set(expected_bm, GHCB_SW_SCRATCH);
      break; // + break;
    default:
      return EINVAL;
  }

  if (ghcb_verify_bm(valid_bm, expected_bm) !== 0) return EINVAL;

  /* Always required */
  // vmcb->v_exitcode = vcpu->vc_gueststate.vg_exit_reason = ghcb->v_sw_exitcode;   (vg_exit_reason is uint32_t)
  vcpu.vc_gueststate.vg_exit_reason = u32of64(ghcb.v_sw_exitcode);
  vmcb.v_exitcode = BigInt(vcpu.vc_gueststate.vg_exit_reason);
  vmcb.v_exitinfo1 = ghcb.v_sw_exitinfo1;
  vmcb.v_exitinfo2 = ghcb.v_sw_exitinfo2;

  if (ghcb_valbm_isset(expected_bm, GHCB_RAX)) vmcb.v_rax = vcpu.vc_gueststate.vg_rax = ghcb.v_rax;
  if (ghcb_valbm_isset(expected_bm, GHCB_RBX)) vcpu.vc_gueststate.vg_rbx = ghcb.v_rbx;
  if (ghcb_valbm_isset(expected_bm, GHCB_RCX)) vcpu.vc_gueststate.vg_rcx = ghcb.v_rcx;
  if (ghcb_valbm_isset(expected_bm, GHCB_RDX)) vcpu.vc_gueststate.vg_rdx = ghcb.v_rdx;

  return 0;
}

/**
 * svm_handle_vmgexit, with 0005, 0006 and 0008.
 *
 * Handle exits initiated by the guest due to #VC exceptions generated
 * when SEV-ES is enabled.
 */
export function svm_handle_vmgexit(k: Kernel, vcpu: vcpu): number {
  const vmcb = vcpu.vc_control;
  const vm = vcpu.vc_parent;
  let ghcb: ghcb_sa;
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
      case BigInt(SEV_VMGEXIT_MMIO_READ): // + case SEV_VMGEXIT_MMIO_READ:
      case BigInt(SEV_VMGEXIT_MMIO_WRITE): // + case SEV_VMGEXIT_MMIO_WRITE:
        /*
         * The guest asks for an MMIO access it took #VC for (see
         * svm_handle_np_fault()): SW_EXITINFO2 bytes at the GPA in
         * SW_EXITINFO1, the data at SW_SCRATCH.  vmd(8) emulates
         * it.  The guest does not run before vmd is done, so the
         * result goes into the GHCB now; svm_vmgexit_sync_guest()
         * would clear the shared buffer.
         */
        ghcb = ghcb_load(k, vcpu.vc_svm_ghcb_va); // port-only: the page, at the case's first access
        ghcb_store(k, vcpu.vc_svm_ghcb_va, ghcb); // + memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
        ghcb.valid_bitmap.fill(0);
        ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO1); // + ghcb_valbm_set(ghcb->valid_bitmap, GHCB_SW_EXITINFO1);
        ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO2); // + ghcb_valbm_set(ghcb->valid_bitmap, GHCB_SW_EXITINFO2);
        /*
         * One access of 1 to 8 bytes whose data lies in the GHCB's
         * shared buffer (v_sharedbuf, up to v_pad11), where vmd
         * finds or puts it; else report an invalid scratch area
         * (SW_EXITINFO1 2, SW_EXITINFO2 3).
         */
        if (
          vmcb.v_exitinfo2 === 0n || // + if (vmcb->v_exitinfo2 == 0 || vmcb->v_exitinfo2 > 8 ||
          vmcb.v_exitinfo2 > 8n ||
          // +     ghcb->v_sw_scratch < vmcb->v_ghcb_gpa + offsetof(struct ghcb_sa, v_sharedbuf) ||
          ghcb.v_sw_scratch < vmcb.v_ghcb_gpa + GHCB_OFFSETOF_SHAREDBUF ||
          // +     ghcb->v_sw_scratch - vmcb->v_ghcb_gpa > offsetof(struct ghcb_sa, v_pad11) - vmcb->v_exitinfo2) {
          u64sub(ghcb.v_sw_scratch, vmcb.v_ghcb_gpa) > GHCB_OFFSETOF_PAD11 - vmcb.v_exitinfo2
        ) {
          ghcb.v_sw_exitinfo1 = 2n; // + ghcb->v_sw_exitinfo1 = 2;
          ghcb.v_sw_exitinfo2 = 3n; // + ghcb->v_sw_exitinfo2 = 3;
          break; // + break;
        } // + }
        /* Only MMIO is emulated, any other GPA raises #GP. */
        // + if (vmm_get_guest_memtype(vm, vmcb->v_exitinfo1) !=
        // +     VMM_MEM_TYPE_MMIO) {
        if (vmm_get_guest_memtype(vm, vmcb.v_exitinfo1) !== VMM_MEM_TYPE_MMIO) {
          /* #GP(0) in event injection format */
          ghcb.v_sw_exitinfo1 = 1n; // + ghcb->v_sw_exitinfo1 = 1;
          // + ghcb->v_sw_exitinfo2 = VMM_EX_GP | (3ULL << 8) | (1ULL << 11) | (1ULL << 31);
          ghcb.v_sw_exitinfo2 = GHCB_EXITINFO2_GP;
          break; // + break;
        } // + }
        ghcb.v_sw_exitinfo1 = 0n; // + ghcb->v_sw_exitinfo1 = 0;
        ghcb.v_sw_exitinfo2 = 0n; // + ghcb->v_sw_exitinfo2 = 0;
        vcpu.vc_exit.vem.vem_gpa = vmcb.v_exitinfo1; // + vcpu->vc_exit.vem.vem_gpa = vmcb->v_exitinfo1;
        vcpu.vc_exit.vem.vem_data_gpa = ghcb.v_sw_scratch; // + vcpu->vc_exit.vem.vem_data_gpa = ghcb->v_sw_scratch;
        vcpu.vc_exit.vem.vem_size = vmcb.v_exitinfo2 & 0xffn; // + vcpu->vc_exit.vem.vem_size = vmcb->v_exitinfo2;
        // + vcpu->vc_exit.vem.vem_dir = (vmcb->v_exitcode == SEV_VMGEXIT_MMIO_READ) ? VEI_DIR_IN : VEI_DIR_OUT;
        vcpu.vc_exit.vem.vem_dir = vmcb.v_exitcode === BigInt(SEV_VMGEXIT_MMIO_READ) ? VEI_DIR_IN : VEI_DIR_OUT;
        error = EAGAIN; // + error = EAGAIN;
        break; // + break;
      default:
        // DPRINTF("%s: unknown exit 0x%llx\n", __func__, vmcb->v_exitcode);
        error = EINVAL;
    }

    if (syncout) error = svm_vmgexit_sync_guest(k, vcpu);
  }
  // out:
  return error;
}

export const series8 = portVariant("the tree with the whole series, 0001..0008", {
  ...series7.tree,
  name: "series-8",
  svm_handle_vmgexit,
});
