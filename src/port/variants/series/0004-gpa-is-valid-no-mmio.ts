// Variant "series-4": the tree with 0001..0004: vmm_gpa_is_valid() no longer accepts GPAs in MMIO ranges.
/*
 * Source: 0004-gpa-is-valid-no-mmio.diff beside this file, applied after 0001..0003 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b). The function below is the
 * whole patched function as vmm.ts ports it; the diff's `+` line stands as a comment beside the TS.
 *
 * Deliberate differences: those of vmm.ts.
 */
import { u64add, u64sub } from "../../c";
import { VM_MEM_MMIO, type vm_mem_range } from "../../vmm_h";
import type { vcpu } from "../../vmmvar";
import { series3 } from "./0003-seves-needs-rsvd-bits";
import { portVariant } from "../variant";

/**
 * vmm_gpa_is_valid, with 0004.
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

export const series4 = portVariant("the tree with patches 0001..0004 of the series", {
  ...series3.tree,
  name: "series-4",
  vmm_gpa_is_valid,
});
