// Variant "series-3": the tree with 0001..0003: VM creation refuses SEV-ES when no physical address bit is reserved on
// every CPU.
/*
 * Source: 0003-seves-needs-rsvd-bits.diff beside this file, applied after 0001..0002 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/vmm_machdep.c,v 1.59 (d4ecebdecd6285381553e986d7e514dfd9a0331b). The function below is the
 * whole patched function as far as vmm_machdep.ts ports it; the diff's `+` lines stand as comments beside the TS.
 *
 * Deliberate differences: those of vmm_machdep.ts.
 */
import { EINVAL } from "../../errno";
import type { Kernel } from "../../kernel";
import type { vm_create_params } from "../../vmm_h";
import type { vcpu } from "../../vmmvar";
import { series2 } from "./0002-pa-rsvd-mask";
import { portVariant } from "../variant";

/**
 * vcpu_init_svm, with 0003.
 *
 * AMD SVM specific VCPU initialization routine.
 */
export function vcpu_init_svm(k: Kernel, vcpu: vcpu, vcp: vm_create_params): number {
  const ret = 0;

  /* Shall we enable SEV/SEV-ES? */
  vcpu.vc_sev = vcp.vcp_sev;
  vcpu.vc_seves = vcp.vcp_seves;

  /*
   * SEV-ES guests can only do MMIO through #VC, which needs a
   * physical address bit that is reserved on all CPUs (see
   * identifycpu()).
   */
  if (vcpu.vc_seves && (k.g.amd64_pa_rsvd_mask ?? 0n) === 0n) return EINVAL; // + if (... && amd64_pa_rsvd_mask == 0)

  /* Allocate an ASID early to avoid km_alloc if we're out of ASIDs. */
  // if (vmm_alloc_asid(&vcpu->vc_vpid, vcpu)) return (ENOMEM);   (not ported)

  // km_alloc + pmap_extract(pmap_kernel(), ...) of the VMCB, MSR bitmap, HSA, IOIO area and (SEV-ES) VMSA:
  // not ported, they succeed.

  /* Inform vmd(8) about ASID and C bit position. */
  vcp.vcp_poscbit = k.g.amd64_pos_cbit; // vcp->vcp_poscbit = amd64_pos_cbit;
  vcp.vcp_asid[vcpu.vc_id] = vcpu.vc_vpid;

  return ret;
}

export const series3 = portVariant("the tree with patches 0001..0003 of the series", {
  ...series2.tree,
  name: "series-3",
  vcpu_init_svm,
});
