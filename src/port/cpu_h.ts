// The amd64 CPU declarations the port reads: CPU vendors and struct cpu_info.
/* Source: OpenBSD sys/arch/amd64/include/cpu.h (hshoexer/openbsd-src), the tree the seed's patch applies to. */

/* sys/arch/amd64/include/cpu.h */
export const CPUV_UNKNOWN = 0;
export const CPUV_AMD = 1;
export const CPUV_INTEL = 2;
export const CPUV_VIA = 3;

/** struct cpu_info, the fields the port reads or writes. */
export interface cpu_info {
  /** port-only: index of this CPU in host.cpus (the CPU CPUID executes on). */
  ci_cpuid: number;
  ci_vendor: number;
  ci_cpuid_level: number;
  /** u_int32_t ci_pnfeatset: CPUID 0x80000000 EAX */
  ci_pnfeatset: number;
  /** u_int32_t ci_feature_amdspec_eax (added by the posted patch) */
  ci_feature_amdspec_eax: number;
  ci_feature_amdspec_ebx: number;
  ci_feature_amdsev_eax: number;
  ci_feature_amdsev_ebx: number;
  ci_feature_amdsev_ecx: number;
  ci_feature_amdsev_edx: number;
  ci_vmm_cap: { vcc_svm: { svm_decode_assist: number } };
}
