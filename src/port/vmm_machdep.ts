// Port of the SVM exit path of vmm(4): #NPF handling, VMGEXIT/GHCB handling, the pvclock updates, vcpu creation and
// the vcpu_run_svm loop, as the tree before the patch has them (the posted svm_handle_np_fault is in variants/).
/*
 * Source: hshoexer/openbsd-src sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 2025/06/19
 * (commit d4ecebdecd6285381553e986d7e514dfd9a0331b), the tree the seed's patch applies to. This file holds the
 * pre-patch svm_handle_np_fault; the patched one is in variants/posted.ts. Structures and constants are in the
 * modules named after their headers: sys/arch/amd64/include/vmmvar.h,v 1.115 (vmmvar.ts), sys/dev/vmm/vmm.h
 * (vmm_h.ts), dev/pv/pvreg.h (pvreg.ts), sys/errno.h (errno.ts), specialreg.h (specialreg.ts), psl.h (psl.ts).
 *
 * Deliberate differences:
 *  - `vcpu->vc_control_va` (a pointer to the VMCB) is the VMCB object itself, `vc_control`.
 *  - Memory the host reaches through its direct map goes through the machine: the GHCB (ghcb_load/ghcb_store,
 *    port-only) and the pvclock pages (direct_map_store). A function that touches such a page records one read
 *    and/or one write per page, at the first load or store, not one per field; a PA with no memory throws HostCrash.
 *  - The guest's GHCB valid bitmap is not held by the machine: ghcb_load sets the bits the guest's #VC handler sets
 *    for the request in the page (SW_EXITCODE, SW_EXITINFO1/2; RAX and RCX for CPUID; RCX, and RAX and RDX for a
 *    WRMSR, for MSR; RAX for an OUT; SW_SCRATCH for MMIO), and none for a page without a request. SW_SCRATCH holds
 *    what the guest wrote (the machine's request), 0 when it wrote none.
 *  - vcpu_run_svm is split at the guest entry (vcpu_run_svm_enter / vcpu_run_svm_exit): the machine runs the guest
 *    between them. The loop's other checks (interrupts, signals, yield, event injection) are not ported; they never
 *    fire without interrupts, signals or a scheduler.
 *  - pvclock: the guest's WRMSR of KVM_MSR_SYSTEM_TIME arrives as an SVM_VMEXIT_MSR exit for every guest kind
 *    (for SEV-ES guests the real path is a VMGEXIT carrying the MSR exit in the GHCB; both end in svm_handle_msr).
 *    tsc_frequency is taken as 0 (its product is not observable).
 *  - Not ported (vmd or other exits never reach them from a scenario): vmm_handle_cpuid's register computation
 *    (a stub that advances RIP and returns 0, as the SVM path always does), svm_handle_inout, the RDMSR half of
 *    svm_handle_msr, vmm_alloc_asid (the ASID allocator; vc_vpid stays 0), km_alloc of the VMCB/HSA/VMSA/IOIO pages
 *    (they never fail), vcpu_writeregs_svm/vcpu_readregs_svm (register copies succeed). Exit codes of
 *    svm_handle_exit whose handlers are not ported throw.
 *  - Calls of the functions a patch replaces (svm_handle_np_fault, vcpu_init_svm, svm_handle_vmgexit,
 *    vmm_gpa_is_valid) go through `k.tree`, so each variant runs its own version (see kernel.ts).
 *  - uvm_fault_wire is a port-only model (uvm/uvm_fault.c): it wires vmd's page at `va` into vmd's pmap when the
 *    machine backs it (machine.vmdVaToPa), and fails with EFAULT otherwise.
 */
import { EMPTY_GHCB } from "../cpu/machine";
import type { Machine } from "../cpu/machine";
import type { HostAccessPurpose } from "../cpu/events";
import { ref, u32, u32of64, u64add, u64not } from "./c";
import { EINVAL, EAGAIN, EFAULT, ENOMEM } from "./errno";
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
  ghcb_clear,
  ghcb_valbm_isset,
  ghcb_valbm_set,
  ghcb_valid,
  ghcb_verify_bm,
  new_ghcb_sa,
  type ghcb_sa,
} from "./ghcb";
import { curcpu, type Kernel } from "./kernel";
import {
  PAGE_MASK,
  PAGE_SIZE,
  PG_FRAME,
  PMAP_DIRECT_MAP,
  PMAP_DIRECT_UNMAP,
  PMAP_WIRED,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  PMAP_CANFAIL,
  pmap_enter,
  pmap_extract,
  trunc_page,
  type pmap,
} from "./pmap";
import { PSL_T } from "./psl";
import {
  KVM_MSR_SYSTEM_TIME,
  KVM_MSR_WALL_CLOCK,
  PVCLOCK_SYSTEM_TIME_ENABLE,
  SIZEOF_PVCLOCK_TIME_INFO,
  SIZEOF_PVCLOCK_WALL_CLOCK,
} from "./pvreg";
import { EFER_SVME, MSR_CR_PAT, MSR_EFER } from "./specialreg";
import { vmm_get_guest_memtype, vmm_translate_gpa } from "./vmm";
import { type vm, type vm_create_params, VCPU_STATE_STOPPED } from "./vmm_h";
import {
  SEV_VMGEXIT_MMIO_READ,
  SEV_VMGEXIT_MMIO_WRITE,
  SVM_VMEXIT_CLGI,
  SVM_VMEXIT_CPUID,
  SVM_VMEXIT_CR0_WRITE_TRAP,
  SVM_VMEXIT_CR4_WRITE_TRAP,
  SVM_VMEXIT_EFER_WRITE_TRAP,
  SVM_VMEXIT_HLT,
  SVM_VMEXIT_ICEBP,
  SVM_VMEXIT_INTR,
  SVM_VMEXIT_INVLPGA,
  SVM_VMEXIT_IOIO,
  SVM_VMEXIT_MONITOR,
  SVM_VMEXIT_MSR,
  SVM_VMEXIT_MWAIT,
  SVM_VMEXIT_MWAIT_CONDITIONAL,
  SVM_VMEXIT_NPF,
  SVM_VMEXIT_RDTSCP,
  SVM_VMEXIT_SHUTDOWN,
  SVM_VMEXIT_SKINIT,
  SVM_VMEXIT_STGI,
  SVM_VMEXIT_VINTR,
  SVM_VMEXIT_VMGEXIT,
  SVM_VMEXIT_VMLOAD,
  SVM_VMEXIT_VMMCALL,
  SVM_VMEXIT_VMRUN,
  SVM_VMEXIT_VMSAVE,
  SVM_VMEXIT_XSETBV,
  VCPU_INJECT_EX,
  VCPU_INJECT_NONE,
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  VMM_EX_DB,
  VMM_EX_GP,
  VMM_MODE_RVI,
  type vcpu,
  VMM_MEM_TYPE_MMIO,
  VMM_MEM_TYPE_REGULAR,
  type vm_exit_eptviolation,
} from "./vmmvar";

/** port-only: tsc_frequency is not modelled (only vc_pvclock_system_tsc_mul depends on it). */
const tsc_frequency = 0n;

function new_vee(): vm_exit_eptviolation {
  return { vee_fault_type: 0, vee_insn_info: 0, vee_insn_len: 0, vee_insn_bytes: new Uint8Array(15) };
}

/** port-only: pool_get(&vcpu_pool, PR_WAITOK | PR_ZERO). */
export function new_vcpu(vm: vm): vcpu {
  return {
    vc_parent: vm,
    vc_id: 0,
    vc_vpid: 0,
    vc_state: 0,
    vc_virt_mode: 0,
    vc_control: {
      v_exitcode: 0n,
      v_exitinfo1: 0n,
      v_exitinfo2: 0n,
      v_ghcb_gpa: 0n,
      v_eventinj: 0n,
      v_n_bytes_fetched: 0,
      v_guest_ins_bytes: new Uint8Array(15),
      v_efer: 0n,
      v_rflags: 0n,
      v_rip: 0n,
      v_rax: 0n,
    },
    vc_last_pcpu: null,
    vc_exit: { vee: new_vee(), vem: { vem_gpa: 0n, vem_data_gpa: 0n, vem_size: 0n, vem_dir: 0 } },
    vc_intr: 0,
    vc_irqready: 0,
    vc_gueststate: { vg_rax: 0n, vg_rbx: 0n, vg_rcx: 0n, vg_rdx: 0n, vg_rip: 0n, vg_exit_reason: 0, vg_rflags: 0n },
    vc_inject: { vie_vector: 0, vie_errorcode: 0, vie_type: VCPU_INJECT_NONE },
    vc_pvclock_version: 0,
    vc_pvclock_system_gpa: 0n,
    vc_pvclock_system_tsc_mul: 0,
    vc_shadow_pat: 0n,
    vc_svm_ghcb_va: 0n,
    vc_sev: 0,
    vc_seves: 0,
  };
}

/** printf / DPRINTF: the kernel's console is not part of the outcome. */
function printf(_msg: string): void {}

/**
 * vcpu_init
 *
 * Calls the architecture-specific VCPU init routine
 */
export function vcpu_init(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number {
  let ret = 0;

  vcpu.vc_virt_mode = VMM_MODE_RVI; // vcpu->vc_virt_mode = vmm_softc->mode;
  vcpu.vc_state = VCPU_STATE_STOPPED;
  vcpu.vc_vpid = 0;
  vcpu.vc_pvclock_system_gpa = 0n;
  vcpu.vc_last_pcpu = null;

  // rw_init(&vcpu->vc_lock, "vcpu");

  /* Shadow PAT MSR, starting with host's value. */
  vcpu.vc_shadow_pat = 0x0007040600070406n; // rdmsr(MSR_CR_PAT): the power-on PAT

  ret = k.tree.vcpu_init_svm(k, vcpu, vcp); // (vmm_softc->mode == VMM_MODE_RVI)

  return ret;
}

/**
 * vcpu_init_svm
 *
 * AMD SVM specific VCPU initialization routine.
 */
export function vcpu_init_svm(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number {
  const ret = 0;

  /* Shall we enable SEV/SEV-ES? */
  vcpu.vc_sev = vcp.vcp_sev;
  vcpu.vc_seves = vcp.vcp_seves;

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
 * vmm_inject_gp
 *
 * Injects an #GP exception into the guest VCPU.
 */
export function vmm_inject_gp(vcpu: vcpu): number {
  vcpu.vc_inject.vie_vector = VMM_EX_GP;
  vcpu.vc_inject.vie_type = VCPU_INJECT_EX;
  vcpu.vc_inject.vie_errorcode = 0;

  return 0;
}

/**
 * vmm_inject_db
 *
 * Injects a #DB exception into the guest VCPU.
 */
export function vmm_inject_db(vcpu: vcpu): number {
  vcpu.vc_inject.vie_vector = VMM_EX_DB;
  vcpu.vc_inject.vie_type = VCPU_INJECT_EX;
  vcpu.vc_inject.vie_errorcode = 0;

  return 0;
}

/**
 * port-only model of uvm_fault_wire(map, start, end, access_type) (uvm/uvm_fault.c) for vmd's guest-memory
 * mapping: each page the machine backs is wired into vmd's pmap; a page it does not back fails with EFAULT.
 * uvm_fault enters the page with PMAP_CANFAIL; when pmap_enter fails (uvm_fault_lower):
 *     if (uvm_swapisfull()) { return (ENOMEM); }
 *     uvm_wait("flt_pmfail2"); return ERESTART;   (the fault is retried once memory was freed)
 */
export function uvm_fault_wire(k: Kernel, map_pmap: pmap, start: bigint, end: bigint, access_type: number): number {
  for (let va = start; va < end; va += PAGE_SIZE) {
    const pa = k.machine.vmdVaToPa(va);
    if (pa === null) return EFAULT;
    if (pmap_enter(k.pmap, map_pmap, va, pa, access_type, PMAP_WIRED | PMAP_CANFAIL) !== 0) {
      if (uvm_swapisfull(k)) return ENOMEM;
      throw new Error("uvm_wait: the port frees no memory while a fault waits"); // uvm_wait("flt_pmfail2");
    }
  }
  return 0;
}

/**
 * port-only: uvm_swapisfull() (uvm/uvm_swap.c). A host whose pmap_pv_pool is limited (scenario host.pvEntries) is
 * one out of memory and swap: nothing frees memory while a fault waits, so uvm_fault returns ENOMEM at once.
 */
export function uvm_swapisfull(k: Kernel): boolean {
  return k.pmap.pmap_pv_pool_free !== null;
}

/**
 * svm_fault_page
 *
 * Request a new page to be faulted into the UVM map of the VM owning 'vcpu'
 * at address 'gpa'.
 */
export function svm_fault_page(k: Kernel, vcpu: vcpu, gpa: bigint): number {
  const p_pmap = k.curproc_pmap; // struct proc *p = curproc;
  const hpa = ref(0n);
  const pa = trunc_page(gpa); // paddr_t hpa, pa = trunc_page(gpa);
  let hva: bigint;
  let ret = 1;

  hva = vmm_translate_gpa(vcpu.vc_parent, pa);
  if (hva === 0n) {
    printf(`svm_fault_page: unable to translate gpa 0x${pa.toString(16)}`);
    return EINVAL;
  }

  /* If we don't already have a backing page... */
  if (!pmap_extract(k.pmap, p_pmap, hva, hpa)) {
    /* ...fault a RW page into the p's address space... */
    ret = uvm_fault_wire(k, p_pmap, hva, u64add(hva, PAGE_SIZE), PROT_READ | PROT_WRITE);
    if (ret) {
      printf(`svm_fault_page: uvm_fault failed ${ret} hva=0x${hva.toString(16)}`);
      return ret;
    }

    /* ...and then get the mapping. */
    if (!pmap_extract(k.pmap, p_pmap, hva, hpa)) {
      printf(`svm_fault_page: failed to extract hpa for hva 0x${hva.toString(16)}`);
      return EINVAL;
    }
  }

  /* Now we insert a RWX mapping into the guest's RVI pmap. */
  ret = pmap_enter(k.pmap, vcpu.vc_parent.vm_pmap, pa, hpa.value, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
  if (ret) {
    printf(`svm_fault_page: pmap_enter failed pa=0x${pa.toString(16)}, hpa=0x${hpa.value.toString(16)}`);
  }

  return ret;
}

/**
 * svm_handle_np_fault, the tree before the patch.
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
      vee.vee_fault_type = VEE_FAULT_MMIO_ASSIST;
      if (ci.ci_vmm_cap.vcc_svm.svm_decode_assist) {
        vee.vee_insn_len = vmcb.v_n_bytes_fetched;
        vee.vee_insn_bytes.set(vmcb.v_guest_ins_bytes); // memcpy(&vee->vee_insn_bytes, vmcb->v_guest_ins_bytes, ...)
        vee.vee_insn_info |= VEE_BYTES_VALID;
      }
      ret = EAGAIN;
      break;
    default:
      printf(`svm_handle_np_fault: unknown memory type ${gpa_memtype} for GPA 0x${gpa.toString(16)}`);
      return EINVAL;
  }

  return ret;
}

/** memset(vee, 0, sizeof(*vee)) */
export function memset_vee(vee: vm_exit_eptviolation): void {
  vee.vee_fault_type = 0;
  vee.vee_insn_info = 0;
  vee.vee_insn_len = 0;
  vee.vee_insn_bytes.fill(0);
}

/** Exit codes svm_handle_exit dispatches to handlers this port does not carry. */
const NOT_PORTED_EXITS: ReadonlySet<number> = new Set([
  SVM_VMEXIT_VINTR,
  SVM_VMEXIT_INTR,
  SVM_VMEXIT_SHUTDOWN,
  SVM_VMEXIT_XSETBV,
  SVM_VMEXIT_IOIO,
  SVM_VMEXIT_HLT,
  SVM_VMEXIT_MWAIT,
  SVM_VMEXIT_MWAIT_CONDITIONAL,
  SVM_VMEXIT_MONITOR,
  SVM_VMEXIT_VMRUN,
  SVM_VMEXIT_VMMCALL,
  SVM_VMEXIT_VMLOAD,
  SVM_VMEXIT_VMSAVE,
  SVM_VMEXIT_STGI,
  SVM_VMEXIT_CLGI,
  SVM_VMEXIT_SKINIT,
  SVM_VMEXIT_RDTSCP,
  SVM_VMEXIT_ICEBP,
  SVM_VMEXIT_INVLPGA,
  SVM_VMEXIT_EFER_WRITE_TRAP,
  SVM_VMEXIT_CR0_WRITE_TRAP,
  SVM_VMEXIT_CR4_WRITE_TRAP,
]);

/**
 * svm_handle_exit
 *
 * Handle exits from the VM by decoding the exit reason and calling various
 * subhandlers as needed.
 */
export function svm_handle_exit(k: Kernel, vcpu: vcpu): number {
  let exit_reason: number;
  let rflags: bigint;
  let update_rip: number;
  let ret = 0;
  const vmcb = vcpu.vc_control;

  update_rip = 0;
  exit_reason = vcpu.vc_gueststate.vg_exit_reason;
  rflags = vcpu.vc_gueststate.vg_rflags;

  if (NOT_PORTED_EXITS.has(exit_reason))
    throw new Error(`svm_handle_exit: the handler of exit 0x${exit_reason.toString(16)} is not ported`);

  switch (exit_reason) {
    case SVM_VMEXIT_NPF:
      ret = k.tree.svm_handle_np_fault(k, vcpu);
      break;
    case SVM_VMEXIT_CPUID:
      ret = vmm_handle_cpuid(k, vcpu);
      update_rip = 1;
      break;
    case SVM_VMEXIT_MSR:
      ret = svm_handle_msr(k, vcpu);
      update_rip = 1;
      break;
    case SVM_VMEXIT_VMGEXIT:
      ret = k.tree.svm_handle_vmgexit(k, vcpu);
      break;
    default:
      // DPRINTF("%s: unhandled exit 0x%llx (pa=0x%llx)\n", ...);
      return EINVAL;
  }

  if (update_rip) {
    vmcb.v_rip = vcpu.vc_gueststate.vg_rip;

    if (rflags & PSL_T) {
      if (vmm_inject_db(vcpu)) {
        printf("svm_handle_exit: can't inject #DB exception to guest");
        return EINVAL;
      }
    }
  }

  /* Enable SVME in EFER (must always be set) */
  vmcb.v_efer |= EFER_SVME;
  // svm_set_dirty(vcpu, SVM_CLEANBITS_CR);

  return ret;
}

/**
 * port-only: the host dereferences a GHCB pointer, a direct-map VA (`(struct ghcb_sa *)vcpu->vc_svm_ghcb_va`):
 * one read of the page through the machine. The valid bitmap is the one the guest's #VC handler sets for the
 * request the page holds (see the header).
 */
export function ghcb_load(k: Kernel, va: bigint): ghcb_sa {
  const req = k.machine.readGhcb(PMAP_DIRECT_UNMAP(va));
  const ghcb = new_ghcb_sa();
  const empty = req === EMPTY_GHCB || (req.swExitCode === 0n && req.swExitInfo1 === 0n && req.swExitInfo2 === 0n);
  if (empty) return ghcb;
  ghcb.v_sw_exitcode = req.swExitCode;
  ghcb.v_sw_exitinfo1 = req.swExitInfo1;
  ghcb.v_sw_exitinfo2 = req.swExitInfo2;
  ghcb.v_sw_scratch = req.swScratch;
  ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITCODE);
  ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO1);
  ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_EXITINFO2);
  if (req.swExitCode === BigInt(SVM_VMEXIT_CPUID)) {
    ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RAX);
    ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RCX);
  } else if (req.swExitCode === BigInt(SVM_VMEXIT_MSR)) {
    if (req.swExitInfo1 === 1n) ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RAX); /* WRMSR */
    ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RCX);
    if (req.swExitInfo1 === 1n) ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RDX);
  } else if (req.swExitCode === BigInt(SVM_VMEXIT_IOIO)) {
    if ((req.swExitInfo1 & 1n) === 0n) ghcb_valbm_set(ghcb.valid_bitmap, GHCB_RAX); /* OUT */
  } else if (req.swExitCode === BigInt(SEV_VMGEXIT_MMIO_READ) || req.swExitCode === BigInt(SEV_VMGEXIT_MMIO_WRITE)) {
    ghcb_valbm_set(ghcb.valid_bitmap, GHCB_SW_SCRATCH);
  }
  return ghcb;
}

/**
 * port-only: the host stores into the GHCB page (first store of a function): one write through the machine. `ghcb`,
 * when given, is the structure the function goes on storing into; it is kept in `k.ghcb_stored` as what the guest
 * will read back.
 */
export function ghcb_store(k: Kernel, va: bigint, ghcb?: ghcb_sa): void {
  k.machine.writeGhcb(PMAP_DIRECT_UNMAP(va));
  if (ghcb !== undefined) k.ghcb_stored = ghcb;
}

/** port-only: the first store through a direct-map pointer into a page the guest shares (pvclock). */
function direct_map_store(machine: Machine, va: bigint, purpose: HostAccessPurpose): void {
  machine.directMapAccess(PMAP_DIRECT_UNMAP(va), true, purpose);
}

/** port-only: the first load through a direct-map pointer. */
function direct_map_load(machine: Machine, va: bigint, purpose: HostAccessPurpose): void {
  machine.directMapAccess(PMAP_DIRECT_UNMAP(va), false, purpose);
}

/**
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
 * sync host vmcb/vcpu -> guest ghcb
 */
export function svm_vmgexit_sync_guest(k: Kernel, vcpu: vcpu): number {
  let svm_sw_exitcode: bigint;
  let svm_sw_exitinfo1: bigint, svm_sw_exitinfo2: bigint;
  let valid_bm: Uint8Array;
  let ghcb: ghcb_sa;

  if (!vcpu.vc_seves) return 0;

  if (vcpu.vc_svm_ghcb_va === 0n) return 0;

  ghcb = ghcb_load(k, vcpu.vc_svm_ghcb_va); // ghcb = (struct ghcb_sa *)vcpu->vc_svm_ghcb_va;
  svm_sw_exitcode = ghcb.v_sw_exitcode;
  svm_sw_exitinfo1 = ghcb.v_sw_exitinfo1;
  svm_sw_exitinfo2 = ghcb.v_sw_exitinfo2;
  ghcb_clear(ghcb);
  ghcb_store(k, vcpu.vc_svm_ghcb_va, ghcb); // port-only: ghcb_clear's memset is the first store into the page
  valid_bm = ghcb.valid_bitmap;

  switch (svm_sw_exitcode) {
    case BigInt(SVM_VMEXIT_CPUID):
      ghcb_valbm_set(valid_bm, GHCB_RAX);
      ghcb_valbm_set(valid_bm, GHCB_RBX);
      ghcb_valbm_set(valid_bm, GHCB_RCX);
      ghcb_valbm_set(valid_bm, GHCB_RDX);
      break;
    case BigInt(SVM_VMEXIT_IOIO):
      if (svm_sw_exitinfo1 & 0x1n) {
        /* IN instruction */
        ghcb_valbm_set(valid_bm, GHCB_RAX);
      } else {
        /* OUT instruction, nothing to return */
      }
      break;
    case BigInt(SVM_VMEXIT_MSR):
      if (svm_sw_exitinfo1 === 1n) {
        /* WRMSR, nothing to return */
      } else {
        /* RDMSR */
        ghcb_valbm_set(valid_bm, GHCB_RAX);
        ghcb_valbm_set(valid_bm, GHCB_RDX);
      }
      break;
    default:
      return EINVAL;
  }

  /* Always required */
  svm_sw_exitinfo1 = 0n;
  svm_sw_exitinfo2 = 0n;
  ghcb_valbm_set(valid_bm, GHCB_SW_EXITINFO1);
  ghcb_valbm_set(valid_bm, GHCB_SW_EXITINFO2);

  if (ghcb_valbm_isset(valid_bm, GHCB_RAX)) ghcb.v_rax = vcpu.vc_gueststate.vg_rax;
  if (ghcb_valbm_isset(valid_bm, GHCB_RBX)) ghcb.v_rbx = vcpu.vc_gueststate.vg_rbx;
  if (ghcb_valbm_isset(valid_bm, GHCB_RCX)) ghcb.v_rcx = vcpu.vc_gueststate.vg_rcx;
  if (ghcb_valbm_isset(valid_bm, GHCB_RDX)) ghcb.v_rdx = vcpu.vc_gueststate.vg_rdx;

  if (ghcb_valbm_isset(valid_bm, GHCB_SW_EXITINFO1)) ghcb.v_sw_exitinfo1 = svm_sw_exitinfo1;
  if (ghcb_valbm_isset(valid_bm, GHCB_SW_EXITINFO2)) ghcb.v_sw_exitinfo2 = svm_sw_exitinfo2;

  return 0;
}

/**
 * svm_handle_vmgexit
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
    if (
      vcpu.vc_svm_ghcb_va === 0n &&
      (vmcb.v_ghcb_gpa & u64not(PG_FRAME)) === 0n &&
      (vmcb.v_ghcb_gpa & PG_FRAME) !== 0n
    ) {
      /*
       * Guest provides a valid guest physcial address
       * for GHCB and it is not set yet -> assign it.
       *
       * We only accept a GHCB once; we decline re-definition.
       */
      ghcb_gpa = vmcb.v_ghcb_gpa & PG_FRAME;
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

/**
 * vmm_handle_cpuid, reduced (port-only stub): the answer it computes from the host's CPUID is not part of the
 * outcome. On the SVM path it advances RIP by 2, updates v_rax and returns 0 in every case.
 */
export function vmm_handle_cpuid(_k: Kernel, vcpu: vcpu): number {
  const insn_length = 2n; /* XXX: validate insn_length 2 */
  vcpu.vc_gueststate.vg_rip = u64add(vcpu.vc_gueststate.vg_rip, insn_length);
  // leaf/subleaf switch and `vmcb->v_rax = *rax;`: not ported; the registers keep their values.
  return 0;
}

/**
 * vmm_pat_is_valid
 *
 * Intel SDM Vol 3A, 11.12.2: 0x02, 0x03, and 0x08-0xFF result in #GP
 */
export function vmm_pat_is_valid(pat: bigint): number {
  for (let i = 0; i < 8; i++) {
    const byte = Number((pat >> BigInt(8 * i)) & 0xffn);
    if (byte === 0x02 || byte === 0x03 || byte > 0x07) {
      // DPRINTF("%s: invalid pat %llx\n", __func__, pat);
      return 0;
    }
  }
  return 1;
}

/**
 * svm_handle_msr
 *
 * Handler for MSR instructions (the WRMSR half; the RDMSR half is not ported).
 *
 * Return value:
 *  Always 0 (successful)
 */
export function svm_handle_msr(k: Kernel, vcpu: vcpu): number {
  let insn_length: bigint, val: bigint;
  const vmcb = vcpu.vc_control;
  let ret: number;
  const site = "vmm_machdep.c:svm_handle_msr:*rdx << 32";

  /* XXX: Validate RDMSR / WRMSR insn_length */
  insn_length = 2n;

  // rax = &vmcb->v_rax; rcx = &vcpu->vc_gueststate.vg_rcx; rdx = &vcpu->vc_gueststate.vg_rdx;
  const g = vcpu.vc_gueststate;

  if (vmcb.v_exitinfo1 === 1n) {
    /* WRMSR */
    val = k.cx.u64shl(g.vg_rdx, 32, site) | (vmcb.v_rax & 0xffffffffn);

    switch (g.vg_rcx) {
      case MSR_CR_PAT:
        if (!vmm_pat_is_valid(val)) {
          ret = vmm_inject_gp(vcpu);
          return ret;
        }
        vcpu.vc_shadow_pat = val;
        break;
      case MSR_EFER:
        vmcb.v_efer = vmcb.v_rax | EFER_SVME;
        break;
      case KVM_MSR_SYSTEM_TIME:
        vmm_init_pvclock(k, vcpu, (vmcb.v_rax & 0xffffffffn) | k.cx.u64shl(g.vg_rdx, 32, site));
        break;
      case KVM_MSR_WALL_CLOCK:
        vmm_pv_wall_clock(k, vcpu, (vmcb.v_rax & 0xffffffffn) | k.cx.u64shl(g.vg_rdx, 32, site));
        break;
      default:
      /* Log the access, to be able to identify unknown MSRs */
      // DPRINTF("%s: wrmsr exit, msr=0x%llx, discarding data written from guest=0x%llx:0x%llx\n", ...);
    }
  } else {
    /* RDMSR */
    throw new Error("svm_handle_msr: the RDMSR half is not ported");
  }

  g.vg_rip = u64add(g.vg_rip, insn_length);

  return 0;
}

/**
 * vmm_init_pvclock
 */
export function vmm_init_pvclock(k: Kernel, vcpu: vcpu, gpa: bigint): void {
  const pvclock_gpa = gpa & 0xfffffffffffffff0n; // paddr_t pvclock_gpa = gpa & 0xFFFFFFFFFFFFFFF0;
  if (!k.tree.vmm_gpa_is_valid(vcpu, pvclock_gpa, SIZEOF_PVCLOCK_TIME_INFO)) {
    /* XXX: Kill guest? */
    vmm_inject_gp(vcpu);
    return;
  }

  /* XXX: handle case when this struct goes over page boundaries */
  if ((pvclock_gpa & PAGE_MASK) + SIZEOF_PVCLOCK_TIME_INFO > PAGE_SIZE) {
    vmm_inject_gp(vcpu);
    return;
  }

  vcpu.vc_pvclock_system_gpa = gpa;
  if (tsc_frequency > 0n)
    vcpu.vc_pvclock_system_tsc_mul = u32(Number((1000000000n << 20n) / tsc_frequency) | 0); // (int) ((1000000000L << 20) / tsc_frequency)
  else vcpu.vc_pvclock_system_tsc_mul = 0;
  vmm_update_pvclock(k, vcpu);
}

/**
 * vmm_update_pvclock
 */
export function vmm_update_pvclock(k: Kernel, vcpu: vcpu): number {
  const vm = vcpu.vc_parent;
  const pvclock_hpa = ref(0n);
  let pvclock_gpa: bigint;

  if (vcpu.vc_pvclock_system_gpa & PVCLOCK_SYSTEM_TIME_ENABLE) {
    pvclock_gpa = vcpu.vc_pvclock_system_gpa & 0xfffffffffffffff0n;
    if (!pmap_extract(k.pmap, vm.vm_pmap, pvclock_gpa, pvclock_hpa)) return EINVAL;
    const pvclock_ti = PMAP_DIRECT_MAP(pvclock_hpa.value); // pvclock_ti = (void*) PMAP_DIRECT_MAP(pvclock_hpa);

    /* START next cycle (must be odd) */
    vcpu.vc_pvclock_version = u32(vcpu.vc_pvclock_version + 1); // ++vcpu->vc_pvclock_version
    direct_map_store(k.machine, pvclock_ti, "pvclock"); // pvclock_ti->ti_version = (... << 1) | 0x1;

    // pvclock_ti->ti_tsc_timestamp = rdtsc(); nanouptime(&tv); ti_system_time, ti_tsc_shift = 12,
    // ti_tsc_to_system_mul = vcpu->vc_pvclock_system_tsc_mul, ti_flags = PVCLOCK_FLAG_TSC_STABLE:
    // further stores into the same structure.

    /* END (must be even) */
    // pvclock_ti->ti_version &= ~0x1;
  }
  return 0;
}

/**
 * vmm_pv_wall_clock
 */
export function vmm_pv_wall_clock(k: Kernel, vcpu: vcpu, gpa: bigint): void {
  const vm = vcpu.vc_parent;
  const hpa = ref(0n);

  err: {
    if (!k.tree.vmm_gpa_is_valid(vcpu, gpa, SIZEOF_PVCLOCK_WALL_CLOCK)) break err; // goto err;

    /* XXX: handle case when this struct goes over page boundaries */
    if ((gpa & PAGE_MASK) + SIZEOF_PVCLOCK_WALL_CLOCK > PAGE_SIZE) break err; // goto err;

    if (!pmap_extract(k.pmap, vm.vm_pmap, gpa, hpa)) break err; // goto err;
    const pvclock_wc = PMAP_DIRECT_MAP(hpa.value); // pvclock_wc = (void*) PMAP_DIRECT_MAP(hpa);
    direct_map_load(k.machine, pvclock_wc, "wallclock"); // pvclock_wc->wc_version |= 0x1;  (load, then store)
    direct_map_store(k.machine, pvclock_wc, "wallclock");
    // nanoboottime(&tv); pvclock_wc->wc_sec = tv.tv_sec; pvclock_wc->wc_nsec = tv.tv_nsec;
    // pvclock_wc->wc_version += 1;

    return;
  }
  // err:
  vmm_inject_gp(vcpu);
}

/**
 * vcpu_run_svm, first half (port-only split): VMM_IOC_RUN enters the kernel, fixes up the state vmd returned, and
 * runs the top of the loop up to the guest entry. Returns 0 when the guest is entered, else the errno vmd gets.
 */
export function vcpu_run_svm_enter(k: Kernel, vcpu: vcpu): number {
  let ret = 0;

  // if (vrp->vrp_intr_pending) vcpu->vc_intr = 1; else vcpu->vc_intr = 0;
  vcpu.vc_intr = 0;

  /*
   * If we are returning from userspace (vmd) because we exited
   * last time, fix up any needed vcpu state first. Which state
   * needs to be fixed up depends on what vmd populated in the
   * exit data structure.
   */
  switch (vcpu.vc_gueststate.vg_exit_reason) {
    case SVM_VMEXIT_IOIO:
      // vei_dir/vei_data and vrs_gprs[VCPU_REGS_RIP] from vmd: not modelled
      if (svm_vmgexit_sync_guest(k, vcpu)) return EINVAL;
      break;
    case SVM_VMEXIT_NPF:
      ret = 0; // ret = vcpu_writeregs_svm(vcpu, VM_RWREGS_GPRS, &vcpu->vc_exit.vrs);  (succeeds)
      if (ret) {
        printf("vcpu_run_svm: failed to update registers");
        return EINVAL;
      }
      break;
  }
  memset_vee(vcpu.vc_exit.vee); // memset(&vcpu->vc_exit, 0, sizeof(vcpu->vc_exit));

  return vcpu_run_svm_loop_top(k, vcpu);
}

/**
 * vcpu_run_svm, the top of one `while (ret == 0)` iteration, up to entering the guest.
 */
function vcpu_run_svm_loop_top(k: Kernel, vcpu: vcpu): number {
  vmm_update_pvclock(k, vcpu);
  if (vcpu.vc_last_pcpu !== k.curcpu) {
    // TLB flush by ASID, svm_set_dirty: not modelled
    vcpu.vc_last_pcpu = k.curcpu;
  }
  // Handle vmd(8) injected interrupts / inject event if present: the exception reaches the guest
  // (v_eventinj); not part of the outcome.
  if (vcpu.vc_inject.vie_type === VCPU_INJECT_EX) vcpu.vc_inject.vie_type = VCPU_INJECT_NONE;
  // clgi(); vmm_fpurestore; IBPB; svm_seves_enter_guest / svm_enter_guest: the machine runs the guest.
  return 0;
}

/**
 * vcpu_run_svm, second half (port-only split): the guest left with a #VMEXIT whose state the hardware put in the
 * VMCB. Handles it; returns 0 when the loop goes on (the guest is entered again), else the value vcpu_run_svm
 * returns to vmd.
 */
export function vcpu_run_svm_exit(k: Kernel, vcpu: vcpu): number {
  const vmcb = vcpu.vc_control;
  let ret = 0; // svm_enter_guest succeeded
  let exit_reason: bigint;

  vcpu.vc_gueststate.vg_rip = vmcb.v_rip;
  // vmcb->v_tlb_control = SVM_TLB_CONTROL_FLUSH_NONE; svm_set_clean(vcpu, SVM_CLEANBITS_ALL);

  /* If we exited successfully ... */
  if (ret === 0) {
    exit_reason = vmcb.v_exitcode;
    vcpu.vc_gueststate.vg_exit_reason = u32of64(exit_reason); // uint32_t vg_exit_reason = exit_reason;

    vcpu.vc_gueststate.vg_rflags = vmcb.v_rflags;

    /*
     * Handle the exit. This will alter "ret" to EAGAIN if
     * the exit handler determines help from vmd is needed.
     */
    ret = svm_handle_exit(k, vcpu);

    // if (svm_get_iflag(vcpu, vcpu->vc_gueststate.vg_rflags)) vc_irqready = 1; else 0;
    // interrupt window setup: not modelled (no interrupts pending)

    /*
     * Exit to vmd if we are terminating, failed to enter,
     * or need help (device I/O)
     */
    if (ret /* || vcpu_must_stop(vcpu) */) {
      // vcpu_readregs_svm(vcpu, VM_RWREGS_ALL, &vcpu->vc_exit.vrs): succeeds
      return ret;
    }

    // if (vcpu->vc_intr && vcpu->vc_irqready) { ret = EAGAIN; break; }   (no interrupts)
    // if (spc->spc_schedflags & SPCF_SHOULDYIELD) break;                (no scheduler)
  }

  return vcpu_run_svm_loop_top(k, vcpu);
}
