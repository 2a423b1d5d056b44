// The machine-independent vmm(4) declarations: guest memory ranges, the ioctl parameters vmd passes, struct vm.
/*
 * Source: OpenBSD sys/dev/vmm/vmm.h,v 1.11 (hshoexer/openbsd-src), the tree the seed's patch applies to.
 *
 * Deliberate differences:
 *  - The structs hold the fields the port reads or writes; size_t / paddr_t / vaddr_t are bigint.
 *  - vmm.h includes machine/vmmvar.h (vmmvar.ts), whose `struct vcpu` points back at `struct vm` through a forward
 *    declaration: struct vm's members are declared here as the completion of that declaration.
 */
import type { pmap } from "./pmap";

/* sys/dev/vmm/vmm.h */
export const VMM_MAX_MEM_RANGES = 16;
export const VMM_MAX_VCPUS_PER_VM = 64;
export const VMM_MAX_VM_MEM_SIZE = 128n * 1024n * 1024n * 1024n; /* 128 GiB */
export const VM_MEM_RAM = 0; /* usable system memory */
export const VM_MEM_RESERVED = 1; /* BIOS etc. */
export const VM_MEM_MMIO = 2; /* device mmio */

export interface vm_mem_range {
  vmr_gpa: bigint; // paddr_t
  vmr_va: bigint; // vaddr_t
  vmr_size: bigint; // size_t
  vmr_type: number; // int
}

export interface vm_create_params {
  vcp_nmemranges: number;
  vcp_memranges: vm_mem_range[];
  vcp_ncpus: number;
  vcp_sev: number;
  vcp_seves: number;
  /** out: C bit position (vcpu_init_svm) */
  vcp_poscbit: number;
  /** out: ASID per vcpu (vcpu_init_svm) */
  vcp_asid: number[];
}

/* sys/dev/vmm/vmm.h: struct vm_rwvmparams_params and its mask */
export const VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA = 0x1; /* read/write pvclock gpa */
export const VM_RWVMPARAMS_PVCLOCK_VERSION = 0x2; /* read/write pvclock version */

export interface vm_rwvmparams_params {
  /* Input parameters to VMM_IOC_READVMPARAMS/VMM_IOC_WRITEVMPARAMS */
  vpp_vm_id: number;
  vpp_vcpu_id: number;
  vpp_mask: number;
  vpp_pvclock_version: number;
  vpp_pvclock_system_gpa: bigint;
}

/* sys/dev/vmm/vmm.h (_KERNEL): vcpu states */
export const VCPU_STATE_STOPPED = 0;

declare module "./vmmvar" {
  /** struct vm, the fields the port reads or writes. */
  interface vm {
    vm_pmap: pmap;
    vm_nmemranges: number;
    vm_memranges: vm_mem_range[];
    vm_memory_size: bigint;
    vm_vcpu_ct: number;
    vm_vcpu_list: vcpu[];
  }
}

export type { vm } from "./vmmvar";
