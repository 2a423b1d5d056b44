// Port of the guest-memory-range functions of vmm(4): VM creation's range check and the lookups the exit handlers
// use (memory type of a GPA, GPA to vmd's address, GPA validity for pvclock), plus the part of vm_create they need.
/*
 * Sources:
 *  - vm_create, vm_create_check_mem_ranges: OpenBSD sys/dev/vmm/vmm.c,v 1.8 (openbsd/src@10e7775f0707b0a56b2ec7d05244df9cf6b4e5a1).
 *  - vmm_get_guest_memtype, vmm_translate_gpa, vmm_gpa_is_valid: these live in
 *    sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (hshoexer/openbsd-src@d4ecebdecd6285381553e986d7e514dfd9a0331b),
 *    ported here next to the memory-range structure they walk.
 *  - struct vm_mem_range, VM_MEM_*, struct vm: sys/dev/vmm/vmm.h,v 1.11 (vmm_h.ts); VMM_MEM_TYPE_*:
 *    sys/arch/amd64/include/vmmvar.h,v 1.115 (vmmvar.ts).
 * No patch touches these functions.
 *
 * Deliberate differences:
 *  - vm_create is reduced to what the outcome depends on: the range check, the vcpu count, the nested pmap, the
 *    copy of the ranges, vm_impl_init's pmap type and vcpu_init. Locks, vcpu capacity, uao_create/uvm_map and
 *    uvm_map_immutable are not ported: memory objects always exist, and uvm_map is taken to honour vmd's address
 *    hint (vmr_va stays the address vmd passed, from machine.vmdVa(i)).
 *  - vm_create calls into vmm_machdep.c (vcpu_init) through `md`, which breaks the import cycle between the files.
 *  - size_t / paddr_t / vaddr_t are bigint reduced modulo 2^64.
 */
import { u64add, u64sub } from "./c";
import { EINVAL, ENOENT } from "./errno";
import type { Kernel, vm_machdep } from "./kernel";
import { PAGE_MASK, PMAP_TYPE_RVI, pmap_create } from "./pmap";
import {
  VMM_MAX_MEM_RANGES,
  VMM_MAX_VM_MEM_SIZE,
  VM_MEM_MMIO,
  VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA,
  VM_RWVMPARAMS_PVCLOCK_VERSION,
  type vm,
  type vm_create_params,
  type vm_mem_range,
  type vm_rwvmparams_params,
} from "./vmm_h";
import { type vcpu, VMM_MEM_TYPE_MMIO, VMM_MEM_TYPE_REGULAR, VMM_MEM_TYPE_UNKNOWN } from "./vmmvar";

/**
 * vm_rwvmparams
 *
 * IOCTL handler to read/write the current vmm params like pvclock gpa, pvclock
 * version, etc.
 *
 * Parameters:
 *   vpp: Describes the VM and VCPU to get/set the params from
 *   dir: 0 for reading, 1 for writing
 *
 * Return values:
 *  0: if successful
 *  ENOENT: if the VM/VCPU defined by 'vpp' cannot be found
 *
 * port-only: vm_find() is the one VM of the run (`vm`, null when none was created); the refcount is not modelled.
 */
export function vm_rwvmparams(
  k: Kernel,
  vm: vm | null,
  vpp: vm_rwvmparams_params,
  dir: number,
  md: vm_machdep,
): number {
  let vcpu: vcpu | undefined;
  const ret = 0;

  /* Find the desired VM */
  /* Not found? exit. */
  if (vm === null) return ENOENT; // error = vm_find(vpp->vpp_vm_id, &vm); if (error != 0) return (error);

  vcpu = vm.vm_vcpu_list.find((v) => v.vc_id === vpp.vpp_vcpu_id); // vcpu = vm_find_vcpu(vm, vpp->vpp_vcpu_id);

  out: {
    if (vcpu === undefined) {
      return ENOENT; // ret = ENOENT; goto out;
    }

    if (dir === 0) {
      if (vpp.vpp_mask & VM_RWVMPARAMS_PVCLOCK_VERSION) vpp.vpp_pvclock_version = vcpu.vc_pvclock_version;
      if (vpp.vpp_mask & VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA) vpp.vpp_pvclock_system_gpa = vcpu.vc_pvclock_system_gpa;
    } else {
      if (vpp.vpp_mask & VM_RWVMPARAMS_PVCLOCK_VERSION) vcpu.vc_pvclock_version = vpp.vpp_pvclock_version;
      if (vpp.vpp_mask & VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA) {
        md.vmm_init_pvclock!(k, vcpu, vpp.vpp_pvclock_system_gpa);
      }
    }
    break out;
  }
  // out: refcnt_rele_wake(&vm->vm_refcnt);
  return ret;
}

/**
 * vm_create
 *
 * Creates the in-memory VMM structures for the VM defined by 'vcp'.
 * Returns 0 or an errno; on success `out.vm` is the new VM.
 */
export function vm_create(k: Kernel, vcp: vm_create_params, md: vm_machdep, out: { vm: vm | null }): number {
  let i: number, ret: number;

  const memsize = vm_create_check_mem_ranges(vcp); // memsize = vm_create_check_mem_ranges(vcp);
  if (memsize === 0n) return EINVAL;

  /* XXX - support UP only (for now) */
  if (vcp.vcp_ncpus !== 1) return EINVAL;

  // Bail early if we're already at vcpu capacity: not ported (one VM per run).

  /* Instantiate and configure the new vm. */
  const vm: vm = {
    /* Create the pmap for nested paging. */
    vm_pmap: pmap_create(), // vm->vm_pmap = pmap_create();
    /* Initialize memory slots. */
    vm_nmemranges: vcp.vcp_nmemranges, // vm->vm_nmemranges = vcp->vcp_nmemranges;
    vm_memranges: vcp.vcp_memranges.slice(0, vcp.vcp_nmemranges).map((r) => ({ ...r })), // memcpy(...)
    vm_memory_size: memsize /* Calculated above. */,
    vm_vcpu_ct: 0,
    vm_vcpu_list: [],
  };

  // for each non-MMIO range: uao_create, uvm_map, uvm_map_immutable (not ported: they succeed).

  // if (vm_impl_init(vm, p)) ...: on SVM/RVI it marks the nested pmap:
  vm.vm_pmap.pm_type = PMAP_TYPE_RVI;

  vm.vm_vcpu_ct = 0;

  /* Initialize each VCPU defined in 'vcp' */
  for (i = 0; i < vcp.vcp_ncpus; i++) {
    const vcpu = md.new_vcpu(vm); // vcpu = pool_get(&vcpu_pool, PR_WAITOK | PR_ZERO);

    vcpu.vc_parent = vm;
    vcpu.vc_id = vm.vm_vcpu_ct;
    vm.vm_vcpu_ct++;
    if ((ret = md.vcpu_init(k, vcpu, vcp)) !== 0) {
      // printf("failed to init vcpu %d for vm %p\n", i, vm); vm_teardown(&vm);
      return ret;
    }
    /* Publish vcpu to list, inheriting the reference. */
    vm.vm_vcpu_list.unshift(vcpu); // SLIST_INSERT_HEAD
  }

  // vm_idx, vm_list, counts: not ported.
  out.vm = vm;
  return 0;
}

/**
 * vm_create_check_mem_ranges
 *
 * Make sure that the guest physical memory ranges given by the user process
 * do not overlap and are in ascending order.
 *
 * The last physical address may not exceed VMM_MAX_VM_MEM_SIZE.
 *
 * Return Values:
 *   The total memory size in bytes if the checks were successful
 *   0: One of the memory ranges was invalid or VMM_MAX_VM_MEM_SIZE was
 *   exceeded
 */
export function vm_create_check_mem_ranges(vcp: vm_create_params): bigint {
  let i: number;
  let memsize = 0n;
  let vmr: vm_mem_range;
  let pvmr: vm_mem_range | undefined;
  const maxgpa = VMM_MAX_VM_MEM_SIZE;

  if (vcp.vcp_nmemranges === 0 || vcp.vcp_nmemranges > VMM_MAX_MEM_RANGES) {
    // DPRINTF("invalid number of guest memory ranges\n");
    return 0n;
  }

  for (i = 0; i < vcp.vcp_nmemranges; i++) {
    vmr = vcp.vcp_memranges[i]!;

    /* Only page-aligned addresses and sizes are permitted */
    if (vmr.vmr_gpa & PAGE_MASK || vmr.vmr_va & PAGE_MASK || vmr.vmr_size & PAGE_MASK || vmr.vmr_size === 0n) {
      // DPRINTF("memory range %zu is not page aligned\n", i);
      return 0n;
    }

    /* Make sure that VMM_MAX_VM_MEM_SIZE is not exceeded */
    if (vmr.vmr_gpa >= maxgpa || vmr.vmr_size > u64sub(maxgpa, vmr.vmr_gpa)) {
      // DPRINTF("exceeded max memory size\n");
      return 0n;
    }

    /*
     * Make sure that guest physical memory ranges do not overlap
     * and that they are ascending.
     */
    if (i > 0 && u64add(pvmr!.vmr_gpa, pvmr!.vmr_size) > vmr.vmr_gpa) {
      // DPRINTF("guest range %zu overlaps or !ascending\n", i);
      return 0n;
    }

    /*
     * No memory is mappable in MMIO ranges, so don't count towards
     * the total guest memory size.
     */
    if (vmr.vmr_type !== VM_MEM_MMIO) memsize = u64add(memsize, vmr.vmr_size);
    pvmr = vmr;
  }

  return memsize;
}

/**
 * vmm_get_guest_memtype (vmm_machdep.c)
 *
 * Returns the type of memory 'gpa' refers to in the context of vm 'vm'
 */
export function vmm_get_guest_memtype(vm: vm, gpa: bigint): number {
  let i: number;
  let vmr: vm_mem_range;

  /* XXX Use binary search? */
  for (i = 0; i < vm.vm_nmemranges; i++) {
    vmr = vm.vm_memranges[i]!;

    /*
     * vm_memranges are ascending. gpa can no longer be in one of
     * the memranges
     */
    if (gpa < vmr.vmr_gpa) break;

    if (gpa < u64add(vmr.vmr_gpa, vmr.vmr_size)) {
      if (vmr.vmr_type === VM_MEM_MMIO) return VMM_MEM_TYPE_MMIO;
      return VMM_MEM_TYPE_REGULAR;
    }
  }

  // DPRINTF("guest memtype @ 0x%llx unknown\n", (uint64_t)gpa);
  return VMM_MEM_TYPE_UNKNOWN;
}

/**
 * vmm_translate_gpa (vmm_machdep.c)
 */
export function vmm_translate_gpa(vm: vm, gpa: bigint): bigint {
  let i = 0;
  let hva = 0n;
  let vmr: vm_mem_range | null = null;

  /*
   * Translate GPA -> userland HVA in proc p. Find the memory range
   * and use it to translate to the HVA.
   */
  for (i = 0; i < vm.vm_nmemranges; i++) {
    vmr = vm.vm_memranges[i]!;
    if (gpa >= vmr.vmr_gpa && gpa < u64add(vmr.vmr_gpa, vmr.vmr_size)) {
      hva = u64add(vmr.vmr_va, u64sub(gpa, vmr.vmr_gpa));
      break;
    }
  }

  return hva;
}

/**
 * vmm_gpa_is_valid (vmm_machdep.c)
 *
 * Check if the given gpa is within guest memory space.
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
      vmr.vmr_size >= obj_size &&
      vmr.vmr_gpa <= gpa &&
      gpa < u64sub(u64add(vmr.vmr_gpa, vmr.vmr_size), obj_size) // gpa < (vmr->vmr_gpa + vmr->vmr_size - obj_size)
    ) {
      return 1;
    }
  }
  return 0;
}
