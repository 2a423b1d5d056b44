// Variant "proposed": the corrected patch, which is now the whole patch series (series/0001..0008, the variant
// series-8) under the name the single proposed diff had. The functions it changes are those of the series' files.
import { portVariant } from "./variant";
import { series8 } from "./series/0008-mmio-nae-to-vmd";

export { identifycpu, cpu_pa_rsvd_mask, MSR_SYS_CFG, SYS_CFG_MEMENCMODEN } from "./series/0002-pa-rsvd-mask";
export { vcpu_init_svm } from "./series/0003-seves-needs-rsvd-bits";
export { vmm_gpa_is_valid } from "./series/0004-gpa-is-valid-no-mmio";
export { svm_handle_np_fault } from "./series/0007-npf-mmio-rsvd-bits";
export { GHCB_EXITINFO2_GP, svm_handle_vmgexit, svm_vmgexit_sync_host } from "./series/0008-mmio-nae-to-vmd";

export const proposed = portVariant("the tree with the proposed fix: the whole patch series (series-8)", {
  ...series8.tree,
  name: "proposed",
});
