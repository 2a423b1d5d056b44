// The host's memory for mapping guest pages: what a correct hypervisor does when it runs out.

/**
 * Rule `outOfMemoryFails`. pool(9): "If the pool is empty and PR_NOWAIT is given, pool_get() returns NULL"; the vmm
 * contract (OpenBSD vmm_machdep.c 1.59 vcpu_run_svm) returns an errno to vmd when the run cannot go on, as Linux KVM
 * returns -ENOMEM from KVM_RUN when it cannot top up its MMU caches (arch/x86/kvm/mmu/mmu.c mmu_topup_memory_caches).
 * Mapping a guest page takes one entry for the host's own (vmd's) mapping of the page when it has none yet and one
 * for its nested entry; entering a nested entry that maps the page already needs one available but keeps none (the
 * page is tracked once). The reserved-bit entry of an MMIO page needs one to be available but keeps none (it tracks no
 * memory; KVM too tops up its MMU caches before it installs any SPTE, an MMIO one included). An entry that cannot be
 * had fails the run with ENOMEM, never the host.
 * `free` is what is left (null: unlimited); returns what is left after taking `need`, or null when it cannot.
 */
export function outOfMemoryFails(free: number | null, need: number): number | null | "fail" {
  if (free === null) return null;
  return free >= need ? free - need : "fail";
}
