// Variant "smp": the posted patch with vm_create accepting VMs of more than one vcpu, a what-if (vmm is UP only
// today) for the per-vcpu questions of the patch. The diff is smp.diff beside this file; `+` lines are the diff's,
// the rest vmm.c's vm_create as src/port/vmm.ts ports it (with the same deliberate differences).
import { EINVAL } from "../errno";
import type { Kernel, vm_machdep } from "../kernel";
import { PMAP_TYPE_RVI, pmap_create } from "../pmap";
import { vm_create_check_mem_ranges, vmm_gpa_is_valid } from "../vmm";
import { VMM_MAX_VCPUS_PER_VM, type vm, type vm_create_params } from "../vmm_h";
import { svm_handle_vmgexit, vcpu_init_svm } from "../vmm_machdep";
import { identifycpu, svm_handle_np_fault } from "./posted";
import { portVariant } from "./variant";

/**
 * vm_create, with the smp what-if.
 *
 * Creates the in-memory VMM structures for the VM defined by 'vcp'.
 * Returns 0 or an errno; on success `out.vm` is the new VM.
 */
export function vm_create(k: Kernel, vcp: vm_create_params, md: vm_machdep, out: { vm: vm | null }): number {
  let i: number, ret: number;

  const memsize = vm_create_check_mem_ranges(vcp); // memsize = vm_create_check_mem_ranges(vcp);
  if (memsize === 0n) return EINVAL;

  // + if (vcp->vcp_ncpus < 1 || vcp->vcp_ncpus > VMM_MAX_VCPUS_PER_VM)
  if (vcp.vcp_ncpus < 1 || vcp.vcp_ncpus > VMM_MAX_VCPUS_PER_VM) return EINVAL;

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

  out.vm = vm;
  return 0;
}

export const smp = portVariant(
  "what-if: the posted patch in a vmm that creates VMs of several vcpus",
  {
    name: "smp",
    identifycpu,
    svm_handle_np_fault,
    vcpu_init_svm,
    svm_handle_vmgexit,
    vmm_gpa_is_valid,
    vm_create,
  },
  { against: "reference-smp", prePatchBaseline: false },
);
