// The vmm(4) declarations of the amd64 machine header: SVM exit codes, the vm exit data vmd reads, the VMCB and the
// virtual CPU.
/*
 * Source: OpenBSD sys/arch/amd64/include/vmmvar.h,v 1.115 (hshoexer/openbsd-src), the tree the seed's patch
 * applies to; struct vm_exit_mmio is from the proposed patch's version of it.
 *
 * Deliberate differences:
 *  - The structs hold the fields the port reads or writes.
 *  - `struct vm;` is an incomplete type here, as in the C (its forward declaration): sys/dev/vmm/vmm.h completes
 *    it (vmm_h.ts), which includes this header and not the other way round.
 */

/* Forward declarations */
/** struct vm (sys/dev/vmm/vmm.h): its members are declared in vmm_h.ts. */
export interface vm {}

/* vmmvar.h: SVM intercept codes (exit reasons) */
export const SVM_VMEXIT_INTR = 0x60;
export const SVM_VMEXIT_VINTR = 0x64;
export const SVM_VMEXIT_CPUID = 0x72;
export const SVM_VMEXIT_HLT = 0x78;
export const SVM_VMEXIT_INVLPGA = 0x7a;
export const SVM_VMEXIT_IOIO = 0x7b;
export const SVM_VMEXIT_MSR = 0x7c;
export const SVM_VMEXIT_SHUTDOWN = 0x7f;
export const SVM_VMEXIT_VMRUN = 0x80;
export const SVM_VMEXIT_VMMCALL = 0x81;
export const SVM_VMEXIT_VMLOAD = 0x82;
export const SVM_VMEXIT_VMSAVE = 0x83;
export const SVM_VMEXIT_STGI = 0x84;
export const SVM_VMEXIT_CLGI = 0x85;
export const SVM_VMEXIT_SKINIT = 0x86;
export const SVM_VMEXIT_RDTSCP = 0x87;
export const SVM_VMEXIT_ICEBP = 0x88;
export const SVM_VMEXIT_MONITOR = 0x8a;
export const SVM_VMEXIT_MWAIT = 0x8b;
export const SVM_VMEXIT_MWAIT_CONDITIONAL = 0x8c;
export const SVM_VMEXIT_XSETBV = 0x8d;
export const SVM_VMEXIT_EFER_WRITE_TRAP = 0x8f;
export const SVM_VMEXIT_CR0_WRITE_TRAP = 0x90;
export const SVM_VMEXIT_CR4_WRITE_TRAP = 0x94;
export const SVM_VMEXIT_NPF = 0x400;
export const SVM_VMEXIT_VMGEXIT = 0x403;
/* Additional VMEXIT codes used in SEV-ES/SNP in the GHCB */
export const SEV_VMGEXIT_MMIO_READ = 0x80000001;
export const SEV_VMGEXIT_MMIO_WRITE = 0x80000002;

/* vmmvar.h: struct vm_exit_inout direction */
export const VEI_DIR_OUT = 0;
export const VEI_DIR_IN = 1;

/* vmmvar.h: struct vm_exit_eptviolation */
export const VEE_FAULT_INVALID = 0;
export const VEE_FAULT_HANDLED = 1;
export const VEE_FAULT_MMIO_ASSIST = 2;
export const VEE_FAULT_PROTECT = 3;
export const VEE_LEN_VALID = 0x1; /* vee_insn_len is valid */
export const VEE_BYTES_VALID = 0x2; /* vee_insn_bytes is valid */

/* vmmvar.h: VMM_MODE_*, vcpu_inject_event's VCPU_INJECT_*, exception injection vectors */
export const VMM_MODE_RVI = 2;
export const VCPU_INJECT_NONE = 0;
export const VCPU_INJECT_EX = 2;
export const VMM_EX_DB = 1;
export const VMM_EX_GP = 13;

/* vmmvar.h (_KERNEL): enum VMM_MEM_TYPE_* */
export const VMM_MEM_TYPE_REGULAR = 0;
export const VMM_MEM_TYPE_MMIO = 1;
export const VMM_MEM_TYPE_UNKNOWN = 2;

/** struct vmcb, the fields the port reads or writes. */
export interface vmcb {
  v_exitcode: bigint; /* 070h */
  v_exitinfo1: bigint; /* 078h */
  v_exitinfo2: bigint; /* 080h */
  v_ghcb_gpa: bigint; /* 0A0h */
  v_eventinj: bigint; /* 0A8h */
  v_n_bytes_fetched: number; /* 0D0h */
  v_guest_ins_bytes: Uint8Array; /* 0D1h-0DFh */
  v_efer: bigint; /* SSA 0D0h */
  v_rflags: bigint; /* SSA 170h */
  v_rip: bigint; /* SSA 178h */
  v_rax: bigint; /* SSA 1F8h */
}

export interface vm_exit_eptviolation {
  vee_fault_type: number; /* type of vm exit */
  vee_insn_info: number; /* bitfield */
  vee_insn_len: number; /* [VMX] instruction length */
  vee_insn_bytes: Uint8Array; /* [SVM] bytes at {R,E,}IP */
}

/**
 * struct vm_exit_mmio (added by the proposed patch): an MMIO access an SEV-ES guest asks vmd(8) for with an MMIO
 * NAE event.
 */
export interface vm_exit_mmio {
  vem_gpa: bigint; /* GPA of the access */
  vem_data_gpa: bigint; /* GPA of data (SW_SCRATCH) */
  vem_size: bigint; /* Size of access in bytes */
  vem_dir: number; /* Direction */
}

/**
 * struct vm_exit (the vei member of its union is not modelled; the union's members are separate objects here, the
 * exit handlers write the one vmd reads for the exit reason).
 */
export interface vm_exit {
  vee: vm_exit_eptviolation;
  /** Only in trees with the proposed patch's vmmvar.h; unused by the others. */
  vem: vm_exit_mmio;
}

export interface vcpu_gueststate {
  vg_rax: bigint;
  vg_rbx: bigint;
  vg_rcx: bigint;
  vg_rdx: bigint;
  vg_rip: bigint;
  /** uint32_t vg_exit_reason */
  vg_exit_reason: number;
  vg_rflags: bigint;
}

export interface vcpu_inject_event {
  vie_vector: number;
  vie_errorcode: number;
  vie_type: number;
}

/** struct vcpu, the fields the port reads or writes. */
export interface vcpu {
  vc_parent: vm;
  vc_id: number;
  vc_vpid: number;
  vc_state: number;
  vc_virt_mode: number;
  vc_control: vmcb;
  vc_last_pcpu: number | null;
  vc_exit: vm_exit;
  vc_intr: number;
  vc_irqready: number;
  vc_gueststate: vcpu_gueststate;
  vc_inject: vcpu_inject_event;
  vc_pvclock_version: number; /* uint32_t */
  vc_pvclock_system_gpa: bigint; /* paddr_t */
  vc_pvclock_system_tsc_mul: number; /* uint32_t */
  vc_shadow_pat: bigint;
  vc_svm_ghcb_va: bigint; /* vaddr_t */
  vc_sev: number;
  vc_seves: number;
}
