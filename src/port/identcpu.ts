// Port of the parts of identifycpu() that set the SEV globals vmm(4) reads (amd64_pos_cbit, amd64_min_noes_asid),
// as the tree before the patch has them; the posted patch's version is in variants/posted.ts.
/*
 * Source: hshoexer/openbsd-src sys/arch/amd64/amd64/identcpu.c at 29facd187fd38580ffc89ecf51b38b1640d57cbe
 * (the tree the seed's patch applies to), without the patch. cpu_set_vendor() is from sys/arch/amd64/amd64/
 * machdep.c of the same era (it maps the CPUID vendor string to ci_vendor before identifycpu runs).
 *
 * Deliberate differences:
 *  - Only the statements that feed the vmm globals are ported, in their order: CPUID 0x80000000 (ci_pnfeatset),
 *    the "speculation control features" block (CPUID 0x80000008) and the "AMD secure memory encryption" block
 *    (CPUID 0x8000001F). Brand strings, TSC, topology, sensors, printing (pcpuid) and the Intel branches are
 *    omitted: they write nothing vmm reads.
 *  - CPUID(code, a, b, c, d) is machine.cpuid(cpu, code) for the CPU being identified.
 *  - cpu_check_vmm_cap() is not ported: svm_decode_assist comes from the scenario (host.decodeAssist), set by the
 *    caller after identifycpu.
 *  - The globals live in `k.g` (one set per hypervisor instance); CPUs are identified in order, so the last CPU
 *    identified wins, as in the C.
 */
import type { CpuidRegs } from "../scenario/types";
import { int, u32 } from "./c";
import { CPUV_AMD, CPUV_INTEL, CPUV_UNKNOWN, CPUV_VIA, type cpu_info } from "./cpu_h";
import type { Kernel } from "./kernel";
import { CPUID_AMD_SEV_CAP } from "./specialreg";

/** port-only: a zeroed cpu_info for host CPU `index`. */
export function new_cpu_info(index: number): cpu_info {
  return {
    ci_cpuid: index,
    ci_vendor: CPUV_UNKNOWN,
    ci_cpuid_level: 0,
    ci_pnfeatset: 0,
    ci_feature_amdspec_eax: 0,
    ci_feature_amdspec_ebx: 0,
    ci_feature_amdsev_eax: 0,
    ci_feature_amdsev_ebx: 0,
    ci_feature_amdsev_ecx: 0,
    ci_feature_amdsev_edx: 0,
    ci_vmm_cap: { vcc_svm: { svm_decode_assist: 0 } },
  };
}

/** port-only: a copy of `ci` that shares nothing with it (field by field: every run copies each CPU's). */
export function copy_cpu_info(ci: cpu_info): cpu_info {
  return {
    ci_cpuid: ci.ci_cpuid,
    ci_vendor: ci.ci_vendor,
    ci_cpuid_level: ci.ci_cpuid_level,
    ci_pnfeatset: ci.ci_pnfeatset,
    ci_feature_amdspec_eax: ci.ci_feature_amdspec_eax,
    ci_feature_amdspec_ebx: ci.ci_feature_amdspec_ebx,
    ci_feature_amdsev_eax: ci.ci_feature_amdsev_eax,
    ci_feature_amdsev_ebx: ci.ci_feature_amdsev_ebx,
    ci_feature_amdsev_ecx: ci.ci_feature_amdsev_ecx,
    ci_feature_amdsev_edx: ci.ci_feature_amdsev_edx,
    ci_vmm_cap: { vcc_svm: { svm_decode_assist: ci.ci_vmm_cap.vcc_svm.svm_decode_assist } },
  };
}

/** CPUID(code, eax, ebx, ecx, edx) executed on `ci`'s CPU; registers are u_int32_t. */
export function CPUID(k: Kernel, ci: cpu_info, code: number): CpuidRegs {
  const r = k.machine.cpuid(ci.ci_cpuid, code);
  return { eax: u32(r.eax), ebx: u32(r.ebx), ecx: u32(r.ecx), edx: u32(r.edx) };
}

/**
 * cpu_set_vendor (machdep.c): map the vendor string to an integer.
 */
export function cpu_set_vendor(ci: cpu_info, level: number, vendor: string): void {
  ci.ci_cpuid_level = level;
  // cpuid_level = MIN(cpuid_level, level);   (global not read by the ported code)

  /* map the vendor string to an integer */
  if (vendor === "AuthenticAMD") ci.ci_vendor = CPUV_AMD;
  else if (vendor === "GenuineIntel") ci.ci_vendor = CPUV_INTEL;
  else if (vendor === "CentaurHauls") ci.ci_vendor = CPUV_VIA;
  else ci.ci_vendor = CPUV_UNKNOWN;
}

/**
 * identifycpu, the tree without the patch.
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
    // CPUID(CPUID_AMD_SEV_CAP, ci->ci_feature_amdsev_eax, ci->ci_feature_amdsev_ebx, ci->ci_feature_amdsev_ecx,
    //     ci->ci_feature_amdsev_edx);
    const r = CPUID(k, ci, CPUID_AMD_SEV_CAP);
    ci.ci_feature_amdsev_eax = r.eax;
    ci.ci_feature_amdsev_ebx = r.ebx;
    ci.ci_feature_amdsev_ecx = r.ecx;
    ci.ci_feature_amdsev_edx = r.edx;
    // pcpuid3(ci, "8000001F", ...);
    k.g.amd64_pos_cbit = ci.ci_feature_amdsev_ebx & 0x3f; // amd64_pos_cbit = (ci->ci_feature_amdsev_ebx & 0x3f);
    k.g.amd64_min_noes_asid = int(ci.ci_feature_amdsev_edx); // amd64_min_noes_asid = ci->ci_feature_amdsev_edx;
    // if (cpu_sev_guestmode && CPU_IS_PRIMARY(ci)) printf(...);
  }

  // ... (cpu_topology, cpu_check_vmm_cap, sensors: not ported)
}
