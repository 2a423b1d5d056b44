// The seeded bugs of `npm run mutate`: realistic kernel mistakes in the proposed patch and in the port code every
// variant shares. Each replaces one exact text (`from`, found exactly once) in one file.

export interface Mutant {
  name: string;
  file: string;
  from: string;
  to: string;
}

// `proposed` is the whole series: each function as the last patch of the series that changes it.
const SERIES = "src/port/variants/series";
const MASK = `${SERIES}/0002-pa-rsvd-mask.ts`;
const GPA_IS_VALID = `${SERIES}/0004-gpa-is-valid-no-mmio.ts`;
const NP_FAULT = `${SERIES}/0007-npf-mmio-rsvd-bits.ts`;
const VMGEXIT = `${SERIES}/0008-mmio-nae-to-vmd.ts`;
const MACHDEP = "src/port/vmm_machdep.ts";

export const MUTANTS: readonly Mutant[] = [
  {
    name: "mask keeps the C-bit",
    file: MASK,
    from: "return u64sub(top, low) & u64not(cbit);",
    to: "return u64sub(top, low);",
  },
  {
    name: "mask without the page-shift floor",
    file: MASK,
    from: "pa_bits = Math.max(pa_bits, PAGE_SHIFT); // +",
    to: "pa_bits = Math.max(pa_bits, 0); // +",
  },
  {
    name: "secondary CPUs do not narrow the mask",
    file: MASK,
    from: "k.g.amd64_pa_rsvd_mask = (k.g.amd64_pa_rsvd_mask ?? 0n) & cpu_pa_rsvd_mask(k, ci);",
    to: "k.g.amd64_pa_rsvd_mask = k.g.amd64_pa_rsvd_mask ?? 0n;",
  },
  {
    name: "C-bits of secondary CPUs not compared",
    file: MASK,
    from: "if (k.g.amd64_pos_cbit !== (ci.ci_feature_amdsev_ebx & 0x3f)) k.g.amd64_pos_cbit = 0;",
    to: "if (k.g.amd64_pos_cbit === -1) k.g.amd64_pos_cbit = 0;",
  },
  {
    name: "GHCB accepted in MMIO",
    file: VMGEXIT,
    from: "if (vmm_get_guest_memtype(vm, ghcb_gpa) !== VMM_MEM_TYPE_REGULAR) return EINVAL; // +",
    to: "if (vmm_get_guest_memtype(vm, ghcb_gpa) === -1) return EINVAL; // +",
  },
  {
    name: "MMIO NAE error status 2",
    file: VMGEXIT,
    from: "ghcb.v_sw_exitinfo1 = 1n; // +",
    to: "ghcb.v_sw_exitinfo1 = 2n; // +",
  },
  {
    name: "MMIO NAE GPA page-truncated",
    file: VMGEXIT,
    from: "vcpu.vc_exit.vem.vem_gpa = vmcb.v_exitinfo1; // +",
    to: "vcpu.vc_exit.vem.vem_gpa = vmcb.v_exitinfo1 & ~0xfffn; // +",
  },
  {
    name: "MMIO NAE size from the wrong field",
    file: VMGEXIT,
    from: "vcpu.vc_exit.vem.vem_size = vmcb.v_exitinfo2 & 0xffn; // +",
    to: "vcpu.vc_exit.vem.vem_size = vmcb.v_exitinfo2 & 0x3n; // +",
  },
  {
    name: "MMIO NAE direction swapped",
    file: VMGEXIT,
    from: "vmcb.v_exitcode === BigInt(SEV_VMGEXIT_MMIO_READ) ? VEI_DIR_IN : VEI_DIR_OUT;",
    to: "vmcb.v_exitcode === BigInt(SEV_VMGEXIT_MMIO_READ) ? VEI_DIR_OUT : VEI_DIR_IN;",
  },
  {
    name: "MMIO NAE data pointer dropped",
    file: VMGEXIT,
    from: "vcpu.vc_exit.vem.vem_data_gpa = ghcb.v_sw_scratch; // +",
    to: "vcpu.vc_exit.vem.vem_data_gpa = 0n; // +",
  },
  {
    name: "pvclock accepted in MMIO",
    file: GPA_IS_VALID,
    from: "vmr.vmr_type !== VM_MEM_MMIO && // +",
    to: "vmr.vmr_type !== -1 && // +",
  },
  {
    name: "MSR protocol answer without the register bits",
    file: VMGEXIT,
    from: "resp = u32(MSR_PROTO_CPUID_RESP | (req & 0xc0000000));",
    to: "resp = u32(MSR_PROTO_CPUID_RESP);",
  },
  {
    name: "decode-assist length dropped",
    file: NP_FAULT,
    from: "vee.vee_insn_len = vmcb.v_n_bytes_fetched;",
    to: "vee.vee_insn_len = 0;",
  },
  {
    name: "pvclock written into the next page",
    file: MACHDEP,
    from: "const pvclock_ti = PMAP_DIRECT_MAP(pvclock_hpa.value);",
    to: "const pvclock_ti = PMAP_DIRECT_MAP(pvclock_hpa.value + PAGE_SIZE);",
  },
  {
    name: "pvclock page-crossing check off by one",
    file: MACHDEP,
    from: "if ((pvclock_gpa & PAGE_MASK) + SIZEOF_PVCLOCK_TIME_INFO > PAGE_SIZE) {",
    to: "if ((pvclock_gpa & PAGE_MASK) + SIZEOF_PVCLOCK_TIME_INFO >= PAGE_SIZE) {",
  },
  {
    name: "wall clock without the page-crossing check",
    file: MACHDEP,
    from: "if ((gpa & PAGE_MASK) + SIZEOF_PVCLOCK_WALL_CLOCK > PAGE_SIZE) break err;",
    to: "if ((gpa & PAGE_MASK) + SIZEOF_PVCLOCK_WALL_CLOCK > 2n * PAGE_SIZE) break err;",
  },
  {
    name: "vmd's pvclock restore ignored",
    file: "src/port/vmm.ts",
    from: "md.vmm_init_pvclock!(k, vcpu, vpp.vpp_pvclock_system_gpa);",
    to: "void md;",
  },
  {
    name: "memory ranges may end past 128 GiB",
    file: "src/port/vmm.ts",
    from: "if (vmr.vmr_gpa >= maxgpa || vmr.vmr_size > u64sub(maxgpa, vmr.vmr_gpa)) {",
    to: "if (vmr.vmr_gpa >= maxgpa) {",
  },
  {
    name: "pmap_enter(…, 0) fails quietly instead of panicking",
    file: "src/port/pmap.ts",
    from: "if (flags & PMAP_CANFAIL) {",
    to: "if (flags >= 0) {",
  },
  {
    name: "nested entries without PG_u",
    file: "src/port/pmap.ts",
    from: "if (va < VM_MAXUSER_ADDRESS) npte |= (flags & PMAP_EFI) !== 0 ? 0n : PG_u;",
    to: "if (va < VM_MAXUSER_ADDRESS) npte |= 0n;",
  },
];
