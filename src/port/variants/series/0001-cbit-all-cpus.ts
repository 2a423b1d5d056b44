// Variant "series-1": the tree with 0001-cbit-all-cpus.diff: amd64_pos_cbit only when every CPU reports the same C-bit.
/*
 * Source: 0001-cbit-all-cpus.diff beside this file, applied to hshoexer/openbsd-src sys/arch/amd64/amd64/identcpu.c
 * (29facd187fd38580ffc89ecf51b38b1640d57cbe). The function below is the whole patched function as far as
 * identcpu.ts ports it; the diff's `+` lines stand as comments beside the TS that ports them.
 *
 * Deliberate differences: those of identcpu.ts, and CPU_IS_PRIMARY(ci) is "ci is host CPU 0": the port identifies
 * the boot CPU first (hypervisor.ts createVm).
 */
import { int } from "../../c";
import { CPUV_AMD, CPUV_INTEL, type cpu_info } from "../../cpu_h";
import { CPUID } from "../../identcpu";
import type { Kernel } from "../../kernel";
import { CPUID_AMD_SEV_CAP } from "../../specialreg";
import { prePatch } from "../pre-patch";
import { portVariant } from "../variant";

/** port-only: CPU_IS_PRIMARY(ci) ((ci)->ci_flags & CPUF_PRIMARY): the boot CPU, host CPU 0 here. */
export function CPU_IS_PRIMARY(ci: cpu_info): boolean {
  return ci.ci_cpuid === 0;
}

/**
 * identifycpu, with 0001.
 */
export function identifycpu(k: Kernel, ci: cpu_info): void {
  // CPUID(0x80000000, ci->ci_pnfeatset, dummy, dummy, dummy);
  ci.ci_pnfeatset = CPUID(k, ci, 0x80000000).eax;

  // ... (brand string, family/model, TSC, leaf 7, printing: not ported)

  /* speculation control features */
  if (ci.ci_vendor === CPUV_AMD) {
    if (ci.ci_pnfeatset >= 0x80000008) {
      // CPUID(0x80000008, dummy, ci->ci_feature_amdspec_ebx, dummy, dummy);
      ci.ci_feature_amdspec_ebx = CPUID(k, ci, 0x80000008).ebx;
      // pcpuid(ci, "80000008", 'b', CPUID_MEMBER(ci_feature_amdspec_ebx), CPUID_AMDSPEC_EBX_BITS);
    }
  } else if (ci.ci_vendor === CPUV_INTEL) {
    // MSR_ARCH_CAPABILITIES / meltdown printing: not ported
  }

  /* AMD secure memory encryption and encrypted virtualization features */
  if (ci.ci_vendor === CPUV_AMD && ci.ci_pnfeatset >= CPUID_AMD_SEV_CAP) {
    const r = CPUID(k, ci, CPUID_AMD_SEV_CAP);
    ci.ci_feature_amdsev_eax = r.eax;
    ci.ci_feature_amdsev_ebx = r.ebx;
    ci.ci_feature_amdsev_ecx = r.ecx;
    ci.ci_feature_amdsev_edx = r.edx;
    // pcpuid3(ci, "8000001F", ...);
    /* vmm(4) may run a vcpu on any CPU: keep what holds on all */
    if (CPU_IS_PRIMARY(ci))
      // + if (CPU_IS_PRIMARY(ci))
      k.g.amd64_pos_cbit = ci.ci_feature_amdsev_ebx & 0x3f; // +  amd64_pos_cbit = (ci->ci_feature_amdsev_ebx & 0x3f);
    // + else if (amd64_pos_cbit != (ci->ci_feature_amdsev_ebx & 0x3f))
    else if (k.g.amd64_pos_cbit !== (ci.ci_feature_amdsev_ebx & 0x3f)) k.g.amd64_pos_cbit = 0; // +  amd64_pos_cbit = 0;
    k.g.amd64_min_noes_asid = int(ci.ci_feature_amdsev_edx); // amd64_min_noes_asid = ci->ci_feature_amdsev_edx;
    // if (cpu_sev_guestmode && CPU_IS_PRIMARY(ci)) printf(...);
  } else {
    // + } else {
    /* A CPU without SEV: no SEV for vmm(4). */
    k.g.amd64_pos_cbit = 0; // + amd64_pos_cbit = 0;
  }

  // ... (cpu_topology, cpu_check_vmm_cap, sensors: not ported)
}

export const series1 = portVariant("the tree with patches 0001 of the series", {
  ...prePatch.tree,
  name: "series-1",
  identifycpu,
});
