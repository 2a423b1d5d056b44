// Variant "proposed": a corrected version of the seed's patch (proposed.diff beside this file): MMIO #NPFs of SEV-ES
// guests get an NPT entry whose address bits are reserved on every host CPU, and the MMIO NAE events that follow go
// to vmd.
/*
 * Source: proposed.diff applied to hshoexer/openbsd-src sys/arch/amd64/amd64/vmm_machdep.c,v 1.59
 * (d4ecebdecd6285381553e986d7e514dfd9a0331b), sys/arch/amd64/amd64/identcpu.c
 * (29facd187fd38580ffc89ecf51b38b1640d57cbe), sys/arch/amd64/include/{cpu.h,specialreg.h,vmmvar.h} of the same tree.
 * The functions below are the whole patched functions, as far as identcpu.ts, vmm.ts and vmm_machdep.ts port them;
 * the diff's `+` lines stand as comments beside the TS that ports them. The diff's header hunks are ported as:
 * cpu.h's ci_feature_amdspec_eax (identcpu.ts cpu_info) and extern amd64_pa_rsvd_mask (kernel.ts
 * identcpu_globals); vmmvar.h's struct vm_exit_mmio (vmm_machdep.ts vm_exit.vem); specialreg.h's MSR_SYSCFG and
 * SYSCFG_MEMENCMODEN (below).
 *
 * Deliberate differences: those of identcpu.ts and vmm_machdep.ts, and
 *  - rdmsr_safe(MSR_SYSCFG) reads machine.syscfgMemEncryptionModEn for the CPU being identified (identifycpu runs on
 *    that CPU); SYSCFG is the only MSR modelled, and only its bit 23. It never faults on the simulated AMD CPUs.
 *  - CPU_IS_PRIMARY(ci) is "ci is host CPU 0": the port identifies the boot CPU first (hypervisor.ts createVm).
 *  - cpu_sev_guestmode is 0: the port's kernel is a host, never an SEV guest.
 *  - The GHCB is a structure loaded from the machine (ghcb_load) and stored back (ghcb_store), as vmm_machdep.ts
 *    does; the MMIO NAE case loads it at its first access, one read more than the C makes (guest RAM, unobserved).
 */
import { int, ref, u32, u32of64, u64add, u64not, u64sub } from "../c";
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
} from "../ghcb";
import { CPUID, CPUID_AMD_SEV_CAP, CPUV_AMD, CPUV_INTEL, type cpu_info } from "../identcpu";
import { curcpu, type Kernel } from "../kernel";
import {
  PAGE_SHIFT,
  PG_FRAME,
  PMAP_DIRECT_MAP,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  pmap_enter,
  pmap_extract,
  trunc_page,
} from "../pmap";
import {
  VM_MEM_MMIO,
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
  vmm_get_guest_memtype,
  type vm_create_params,
  type vm_mem_range,
} from "../vmm";
import {
  EAGAIN,
  EINVAL,
  SEV_VMGEXIT_MMIO_READ,
  SEV_VMGEXIT_MMIO_WRITE,
  SVM_VMEXIT_CPUID,
  SVM_VMEXIT_IOIO,
  SVM_VMEXIT_MSR,
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  VEI_DIR_IN,
  VEI_DIR_OUT,
  VMM_EX_GP,
  ghcb_load,
  ghcb_store,
  memset_vee,
  svm_fault_page,
  svm_handle_msr,
  svm_vmgexit_sync_guest,
  vmm_handle_cpuid,
  type vcpu,
} from "../vmm_machdep";
import { portVariant } from "./variant";

/* specialreg.h, as the proposed diff corrects and extends it */
/** #define MSR_SYSCFG 0xc0010010: AMD's SYSCFG is C001_0010h (the tree had 0xc0000010, which no code uses). */
export const MSR_SYSCFG = 0xc0010010;
/** #define SYSCFG_MEMENCMODEN (1ULL << 23) (SME/SEV enabled): SYSCFG bit 23, MemEncryptionModEn. */
export const SYSCFG_MEMENCMODEN = 1n << 23n;

/** port-only: cpu_sev_guestmode (machdep.c); the port's kernel is never an SEV guest. */
const cpu_sev_guestmode = 0;

/** #GP(0) in the event injection format SW_EXITINFO2 uses with SW_EXITINFO1 = 1 (GHCB spec 56421). */
export const GHCB_EXITINFO2_GP = BigInt(VMM_EX_GP) | (3n << 8n) | (1n << 11n) | (1n << 31n);

/** port-only: CPU_IS_PRIMARY(ci) ((ci)->ci_flags & CPUF_PRIMARY): the boot CPU, host CPU 0 here. */
function CPU_IS_PRIMARY(ci: cpu_info): boolean {
  return ci.ci_cpuid === 0;
}

/**
 * port-only model of rdmsr_safe(msr, &val) (amd64 locore.S) on the CPU `ci` describes: 0 and the value for SYSCFG,
 * whose bit 23 is what the machine reports; any other MSR is not modelled.
 */
function rdmsr_safe(k: Kernel, ci: cpu_info, msr: number, val: { value: bigint }): number {
  if (msr !== MSR_SYSCFG) throw new Error(`rdmsr_safe: MSR 0x${msr.toString(16)} is not modelled`);
  val.value = k.machine.syscfgMemEncryptionModEn(ci.ci_cpuid) ? SYSCFG_MEMENCMODEN : 0n;
  return 0;
}

/**
 * cpu_pa_rsvd_mask (new in identcpu.c)
 *
 * Physical address bits that are reserved in page table entries on this
 * CPU: bits 51 down to MAXPHYADDR and, while memory encryption is enabled,
 * the PhysAddrReduction bits below it, except the C-bit, which is an
 * attribute (AMD64 APM vol 2, 15.34.1 and 15.34.8).
 */
export function cpu_pa_rsvd_mask(k: Kernel, ci: cpu_info): bigint {
  const syscfg = ref(0n); // + uint64_t syscfg, cbit = 0;
  let cbit = 0n;
  let pa_bits: number; // + int pa_bits;

  pa_bits = Math.min(ci.ci_feature_amdspec_eax & 0xff, 52); // + pa_bits = MIN(ci->ci_feature_amdspec_eax & 0xff, 52);
  // + if (!cpu_sev_guestmode && rdmsr_safe(MSR_SYSCFG, &syscfg) == 0 &&
  // +     (syscfg & SYSCFG_MEMENCMODEN)) {
  if (!cpu_sev_guestmode && rdmsr_safe(k, ci, MSR_SYSCFG, syscfg) === 0 && (syscfg.value & SYSCFG_MEMENCMODEN) !== 0n) {
    // + pa_bits -= (int)((ci->ci_feature_amdsev_ebx >> 6) & 0x3f);
    pa_bits = k.cx.intsub(
      pa_bits,
      k.cx.u32shr(ci.ci_feature_amdsev_ebx, 6, "identcpu.c:cpu_pa_rsvd_mask:ebx >> 6") & 0x3f,
      "identcpu.c:cpu_pa_rsvd_mask:pa_bits -= reduction",
    );
    // + cbit = 1ULL << (ci->ci_feature_amdsev_ebx & 0x3f);
    cbit = k.cx.u64shl(1n, ci.ci_feature_amdsev_ebx & 0x3f, "identcpu.c:cpu_pa_rsvd_mask:1ULL << cbit");
  }
  pa_bits = Math.max(pa_bits, PAGE_SHIFT); // + pa_bits = MAX(pa_bits, PAGE_SHIFT);

  // + return (((1ULL << 52) - (1ULL << pa_bits)) & ~cbit);
  const top = k.cx.u64shl(1n, 52, "identcpu.c:cpu_pa_rsvd_mask:1ULL << 52");
  const low = k.cx.u64shl(1n, pa_bits, "identcpu.c:cpu_pa_rsvd_mask:1ULL << pa_bits");
  return u64sub(top, low) & u64not(cbit);
}

/**
 * identifycpu, with the proposed patch.
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
    /* vmm(4) may run a vcpu on any CPU: keep what holds on all */
    if (CPU_IS_PRIMARY(ci)) {
      // + if (CPU_IS_PRIMARY(ci)) {
      k.g.amd64_pos_cbit = ci.ci_feature_amdsev_ebx & 0x3f; // +  amd64_pos_cbit = (ci->ci_feature_amdsev_ebx & 0x3f);
      k.g.amd64_pa_rsvd_mask = cpu_pa_rsvd_mask(k, ci); // +  amd64_pa_rsvd_mask = cpu_pa_rsvd_mask(ci);
    } else {
      // + } else {
      // +  if (amd64_pos_cbit != (ci->ci_feature_amdsev_ebx & 0x3f))
      if (k.g.amd64_pos_cbit !== (ci.ci_feature_amdsev_ebx & 0x3f)) k.g.amd64_pos_cbit = 0; // +  amd64_pos_cbit = 0;
      // +  amd64_pa_rsvd_mask &= cpu_pa_rsvd_mask(ci);
      k.g.amd64_pa_rsvd_mask = (k.g.amd64_pa_rsvd_mask ?? 0n) & cpu_pa_rsvd_mask(k, ci);
    }
    k.g.amd64_min_noes_asid = int(ci.ci_feature_amdsev_edx); // amd64_min_noes_asid = ci->ci_feature_amdsev_edx;
    // if (cpu_sev_guestmode && CPU_IS_PRIMARY(ci)) printf(...);
  } else {
    // + } else {
    /* A CPU without SEV: no SEV for vmm(4). */
    k.g.amd64_pos_cbit = 0; // + amd64_pos_cbit = 0;
    k.g.amd64_pa_rsvd_mask = 0n; // + amd64_pa_rsvd_mask = 0;
  }

  // ... (cpu_topology, cpu_check_vmm_cap, sensors: not ported)
}

/**
 * vcpu_init_svm, with the proposed patch.
 *
 * AMD SVM specific VCPU initialization routine.
 */
export function vcpu_init_svm(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number {
  const ret = 0;

  /* Shall we enable SEV/SEV-ES? */
  vcpu.vc_sev = vcp.vcp_sev;
  vcpu.vc_seves = vcp.vcp_seves;

  /*
   * SEV-ES guests can only do MMIO through #VC, which needs a
   * physical address bit that is reserved on all CPUs (see
   * svm_handle_np_fault()).
   */
  if (vcpu.vc_seves && (k.g.amd64_pa_rsvd_mask ?? 0n) === 0n) return EINVAL; // + if (... && amd64_pa_rsvd_mask == 0)

  /* Allocate an ASID early to avoid km_alloc if we're out of ASIDs. */
  // if (vmm_alloc_asid(&vcpu->vc_vpid, vcpu)) return (ENOMEM);   (not ported)

  // km_alloc + pmap_extract(pmap_kernel(), ...) of the VMCB, MSR bitmap, HSA, IOIO area and (SEV-ES) VMSA:
  // not ported, they succeed.

  /* Inform vmd(8) about ASID and C bit position. */
  vcp.vcp_poscbit = k.g.amd64_pos_cbit; // vcp->vcp_poscbit = amd64_pos_cbit;
  vcp.vcp_asid[vcpu.vc_id] = vcpu.vc_vpid;

  return ret;
}

/**
 * svm_handle_np_fault, with the proposed patch.
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
         * event (GHCB specification 4.1.5).
         */
        // + ret = pmap_enter(vcpu->vc_parent->vm_pmap, trunc_page(gpa), amd64_pa_rsvd_mask,
        // +     PROT_READ | PROT_WRITE | PROT_EXEC, 0);
        ret = pmap_enter(
          k.pmap,
          vcpu.vc_parent.vm_pmap,
          trunc_page(gpa),
          k.g.amd64_pa_rsvd_mask ?? 0n,
          PROT_READ | PROT_WRITE | PROT_EXEC,
          0,
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

/**
 * svm_vmgexit_sync_host, with the proposed patch.
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
 * svm_handle_vmgexit, with the proposed patch.
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
    // +     (vmcb->v_ghcb_gpa & PG_FRAME) != 0) {
    if ((vmcb.v_ghcb_gpa & u64not(PG_FRAME)) === 0n && (vmcb.v_ghcb_gpa & PG_FRAME) !== 0n) {
      /*
       * Guest provides a valid guest physical address for the
       * GHCB.  The guest may move its GHCB (e.g. to a backup GHCB
       * while the first is in use), so take the address of every
       * VMGEXIT.  It has to be guest memory: the nested page table
       * entry of an MMIO page of an SEV-ES guest maps no memory
       * (see svm_handle_np_fault()).
       */
      ghcb_gpa = vmcb.v_ghcb_gpa & PG_FRAME;
      // + if (vmm_get_guest_memtype(vm, ghcb_gpa) !=
      // +     VMM_MEM_TYPE_REGULAR)
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
         * svm_handle_np_fault()).  vmd(8) emulates it and finds or
         * puts the data at SW_SCRATCH in the GHCB's shared buffer.
         * The guest does not run before vmd is done, so the result
         * goes into the GHCB now; svm_vmgexit_sync_guest() would
         * clear the shared buffer.  Only MMIO is emulated, any
         * other GPA raises #GP in the guest.
         */
        ghcb = ghcb_load(k, vcpu.vc_svm_ghcb_va); // port-only: the page, at the case's first access
        ghcb_store(k, vcpu.vc_svm_ghcb_va, ghcb); // + memset(ghcb->valid_bitmap, 0, sizeof(ghcb->valid_bitmap));
        ghcb.valid_bitmap.fill(0);
        ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO1); // + ghcb_valbm_set(ghcb->valid_bitmap, GHCB_SW_EXITINFO1);
        ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO2); // + ghcb_valbm_set(ghcb->valid_bitmap, GHCB_SW_EXITINFO2);
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
        vcpu.vc_exit.vem.vem_size = vmcb.v_exitinfo2; // + vcpu->vc_exit.vem.vem_size = vmcb->v_exitinfo2;
        vcpu.vc_exit.vem.vem_data_gpa = ghcb.v_sw_scratch; // + vcpu->vc_exit.vem.vem_data_gpa = ghcb->v_sw_scratch;
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

/**
 * vmm_gpa_is_valid, with the proposed patch.
 *
 * Check if the given gpa is within guest memory space.  MMIO ranges
 * are not memory.
 *
 * Return values:
 *	1: gpa is within the memory ranges allocated for the vcpu
 *	0: otherwise
 */
export function vmm_gpa_is_valid(vcpu: vcpu, gpa: bigint, obj_size: bigint): number {
  const vm = vcpu.vc_parent;
  let vmr: vm_mem_range;
  let i: number;

  for (i = 0; i < vm.vm_nmemranges; ++i) {
    vmr = vm.vm_memranges[i]!;
    if (
      vmr.vmr_type !== VM_MEM_MMIO && // + if (vmr->vmr_type != VM_MEM_MMIO &&
      vmr.vmr_size >= obj_size &&
      vmr.vmr_gpa <= gpa &&
      gpa < u64sub(u64add(vmr.vmr_gpa, vmr.vmr_size), obj_size) // gpa < (vmr->vmr_gpa + vmr->vmr_size - obj_size)
    ) {
      return 1;
    }
  }
  return 0;
}

export const proposed = portVariant("the tree with the proposed correction of the seed's patch", {
  name: "proposed",
  identifycpu,
  svm_handle_np_fault,
  vcpu_init_svm,
  svm_handle_vmgexit,
  vmm_gpa_is_valid,
});
