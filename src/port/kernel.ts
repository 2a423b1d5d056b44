// port-only: the kernel state the ported C reaches through globals, curcpu() and the functions a patch replaces.
/*
 * The C reaches this state implicitly (file-scope globals in identcpu.c and pmap.c, curcpu(), direct calls to
 * functions). The port passes it explicitly as `k`, one instance per hypervisor, so nothing leaks between runs.
 * `tree` holds the functions a variant's diff replaces (src/port/variants/): callers in the unchanged files call
 * them through it, as the C calls whatever the patched tree defines.
 */
import type { Machine } from "../cpu/machine";
import type { CContext } from "./c";
import type { cpu_info } from "./cpu_h";
import type { ghcb_sa } from "./ghcb";
import type { pmap, pmap_env } from "./pmap";
import type { vm, vm_create_params } from "./vmm_h";
import type { vcpu } from "./vmmvar";

/** File-scope globals of sys/arch/amd64/amd64/identcpu.c (all `int`, zero before identifycpu runs). */
export interface identcpu_globals {
  /** int amd64_pos_cbit; C bit position for SEV */
  amd64_pos_cbit: number;
  /** int amd64_min_noes_asid; */
  amd64_min_noes_asid: number;
  /** int amd64_phys_addrsz; (added by the posted patch; stays 0 in trees without it) */
  amd64_phys_addrsz: number;
  /** int amd64_phys_red; (added by the posted patch; stays 0 in trees without it) */
  amd64_phys_red: number;
  /**
   * uint64_t amd64_pa_rsvd_mask; (added by the proposed patch). Absent in trees without it; a C global starts at
   * 0, so absent reads as 0n.
   */
  amd64_pa_rsvd_mask?: bigint;
}

/**
 * The functions one variant (one tree) defines differently: each tree names its version of every function a patch
 * of this project changes (the tree before the patch names the shared versions).
 */
export interface Tree {
  readonly name: string;
  identifycpu(k: Kernel, ci: cpu_info): void;
  svm_handle_np_fault(k: Kernel, vcpu: vcpu): number;
  /** Called by vcpu_init (vm_create -> VMM_IOC_CREATE). */
  vcpu_init_svm(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number;
  /** Called by svm_handle_exit for SVM_VMEXIT_VMGEXIT. */
  svm_handle_vmgexit(k: Kernel, vcpu: vcpu): number;
  /** Called by vmm_init_pvclock and vmm_pv_wall_clock. */
  vmm_gpa_is_valid(vcpu: vcpu, gpa: bigint, obj_size: bigint): number;
  /** VMM_IOC_CREATE; absent: vmm.c's own (every tree but the `smp` what-if). */
  vm_create?(k: Kernel, vcp: vm_create_params, md: vm_machdep, out: { vm: vm | null }): number;
}

/** port-only: the vmm_machdep.c functions vm_create and vm_rwvmparams call. */
export interface vm_machdep {
  vcpu_init(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number;
  new_vcpu(vm: vm): vcpu;
  vmm_init_pvclock?(k: Kernel, vcpu: vcpu, gpa: bigint): void;
}

export interface Kernel {
  readonly machine: Machine;
  readonly cx: CContext;
  readonly g: identcpu_globals;
  /** cpu_info of every host CPU, in CPU_INFO_FOREACH order (the boot CPU first). */
  readonly cpus: cpu_info[];
  /** Index into `cpus` of the CPU the code runs on (curcpu()). */
  curcpu: number;
  /** pmap.c's globals and its view of physical memory. */
  readonly pmap: pmap_env;
  /** curproc->p_vmspace->vm_map.pmap: the pmap of vmd's VM process, which runs the vcpu. */
  readonly curproc_pmap: pmap;
  readonly tree: Tree;
  /**
   * port-only: the GHCB the host stored into last, with the values it left there (what the guest reads back after
   * VMGEXIT); the machine keeps no GHCB contents. Set by ghcb_store, cleared by the hypervisor before each exit.
   */
  ghcb_stored?: ghcb_sa | null;
}

export function newGlobals(): identcpu_globals {
  return { amd64_pos_cbit: 0, amd64_min_noes_asid: 0, amd64_phys_addrsz: 0, amd64_phys_red: 0 };
}

/** curcpu() */
export function curcpu(k: Kernel): cpu_info {
  const ci = k.cpus[k.curcpu];
  if (!ci) throw new Error(`curcpu(): no cpu_info for host CPU ${k.curcpu}`);
  return ci;
}
