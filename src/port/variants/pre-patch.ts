// Variant "pre-patch": the tree the seed's patch applies to, unchanged (vmm_machdep.c,v 1.59, identcpu.c at
// 29facd187fd38580ffc89ecf51b38b1640d57cbe): MMIO #NPFs always exit to vmd for emulation.
import { identifycpu } from "../identcpu";
import { vmm_gpa_is_valid } from "../vmm";
import { svm_handle_np_fault, svm_handle_vmgexit, vcpu_init_svm } from "../vmm_machdep";
import { portVariant } from "./variant";

export const prePatch = portVariant("the tree before the patch", {
  name: "pre-patch",
  identifycpu,
  svm_handle_np_fault,
  vcpu_init_svm,
  svm_handle_vmgexit,
  vmm_gpa_is_valid,
});
