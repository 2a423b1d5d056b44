// Variant "series-2": the tree with 0001..0002: amd64_pa_rsvd_mask, the physical address bits reserved in page table
// entries on every CPU (computed, not used yet).
/*
 * Source: 0002-pa-rsvd-mask.diff beside this file, applied after 0001 to hshoexer/openbsd-src
 * sys/arch/amd64/amd64/identcpu.c (29facd187fd38580ffc89ecf51b38b1640d57cbe) and its cpu.h and specialreg.h. The
 * functions below are the whole patched functions as far as identcpu.ts ports them; the diff's `+` lines stand as
 * comments beside the TS that ports them. The header hunks are ported as: cpu.h's ci_feature_amdspec_eax
 * (identcpu.ts cpu_info) and extern amd64_pa_rsvd_mask (kernel.ts identcpu_globals); specialreg.h's
 * SYS_CFG_MEMENCMODEN (below; MSR_SYS_CFG is already in the tree).
 *
 * Deliberate differences: those of identcpu.ts, and
 *  - rdmsr_safe(MSR_SYS_CFG) reads machine.syscfgMemEncryptionModEn for the CPU being identified (identifycpu runs on
 *    that CPU); SYSCFG is the only MSR modelled, and only its bit 23. It never faults on the simulated AMD CPUs.
 *  - cpu_sev_guestmode is 0: the port's kernel is a host, never an SEV guest.
 */
import { int, ref, u64not, u64sub } from "../../c";
import { CPUV_AMD, CPUV_INTEL, type cpu_info } from "../../cpu_h";
import { CPUID } from "../../identcpu";
import type { Kernel } from "../../kernel";
import { PAGE_SHIFT } from "../../pmap";
import { CPUID_AMD_SEV_CAP } from "../../specialreg";
import { CPU_IS_PRIMARY, series1 } from "./0001-cbit-all-cpus";
import { portVariant } from "../variant";

/** specialreg.h: #define MSR_SYS_CFG 0xc0010010 (System Configuration), as the tree has it. */
export const MSR_SYS_CFG = 0xc0010010;
/** + #define SYS_CFG_MEMENCMODEN (1ULL << 23) (SME/SEV enabled): SYSCFG bit 23, MemEncryptionModEn. */
export const SYS_CFG_MEMENCMODEN = 1n << 23n;

/** port-only: cpu_sev_guestmode (machdep.c); the port's kernel is never an SEV guest. */
const cpu_sev_guestmode = 0;

/**
 * port-only model of rdmsr_safe(msr, &val) (amd64 locore.S) on the CPU `ci` describes: 0 and the value for SYSCFG,
 * whose bit 23 is what the machine reports; any other MSR is not modelled.
 */
export function rdmsr_safe(k: Kernel, ci: cpu_info, msr: number, val: { value: bigint }): number {
  if (msr !== MSR_SYS_CFG) throw new Error(`rdmsr_safe: MSR 0x${msr.toString(16)} is not modelled`);
  val.value = k.machine.syscfgMemEncryptionModEn(ci.ci_cpuid) ? SYS_CFG_MEMENCMODEN : 0n;
  return 0;
}

/**
 * cpu_pa_rsvd_mask (new in identcpu.c)
 *
 * Physical address bits that are reserved in page table entries on this
 * CPU: bits 51 down to MAXPHYADDR and, while memory encryption is enabled,
 * the PhysAddrReduction bits below it, except the C-bit, which is an
 * attribute (AMD64 APM vol 2, 15.34.1 and 15.34.8).
 */
export function cpu_pa_rsvd_mask(k: Kernel, ci: cpu_info): bigint {
  const syscfg = ref(0n); // + uint64_t syscfg, cbit = 0;
  let cbit = 0n;
  let pa_bits: number; // + int pa_bits;

  pa_bits = Math.min(ci.ci_feature_amdspec_eax & 0xff, 52); // + pa_bits = MIN(ci->ci_feature_amdspec_eax & 0xff, 52);
  // + if (!cpu_sev_guestmode && rdmsr_safe(MSR_SYS_CFG, &syscfg) == 0 &&
  // +     (syscfg & SYS_CFG_MEMENCMODEN)) {
  if (
    !cpu_sev_guestmode &&
    rdmsr_safe(k, ci, MSR_SYS_CFG, syscfg) === 0 &&
    (syscfg.value & SYS_CFG_MEMENCMODEN) !== 0n
  ) {
    // + pa_bits -= (int)((ci->ci_feature_amdsev_ebx >> 6) & 0x3f);
    pa_bits = k.cx.intsub(
      pa_bits,
      k.cx.u32shr(ci.ci_feature_amdsev_ebx, 6, "identcpu.c:cpu_pa_rsvd_mask:ebx >> 6") & 0x3f,
      "identcpu.c:cpu_pa_rsvd_mask:pa_bits -= reduction",
    );
    // + cbit = 1ULL << (ci->ci_feature_amdsev_ebx & 0x3f);
    cbit = k.cx.u64shl(1n, ci.ci_feature_amdsev_ebx & 0x3f, "identcpu.c:cpu_pa_rsvd_mask:1ULL << cbit");
  }
  pa_bits = Math.max(pa_bits, PAGE_SHIFT); // + pa_bits = MAX(pa_bits, PAGE_SHIFT);

  // + return (((1ULL << 52) - (1ULL << pa_bits)) & ~cbit);
  const top = k.cx.u64shl(1n, 52, "identcpu.c:cpu_pa_rsvd_mask:1ULL << 52");
  const low = k.cx.u64shl(1n, pa_bits, "identcpu.c:cpu_pa_rsvd_mask:1ULL << pa_bits");
  return u64sub(top, low) & u64not(cbit);
}

/**
 * identifycpu, with 0001 and 0002.
 */
export function identifycpu(k: Kernel, ci: cpu_info): void {
  // CPUID(0x80000000, ci->ci_pnfeatset, dummy, dummy, dummy);
  ci.ci_pnfeatset = CPUID(k, ci, 0x80000000).eax;

  // ... (brand string, family/model, TSC, leaf 7, printing: not ported)

  /* speculation control features */
  if (ci.ci_vendor === CPUV_AMD) {
    if (ci.ci_pnfeatset >= 0x80000008) {
      const r = CPUID(k, ci, 0x80000008);
      ci.ci_feature_amdspec_eax = r.eax; // + CPUID(0x80000008, ci->ci_feature_amdspec_eax,
      ci.ci_feature_amdspec_ebx = r.ebx; // +     ci->ci_feature_amdspec_ebx, dummy, dummy);
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
    if (CPU_IS_PRIMARY(ci)) {
      // + if (CPU_IS_PRIMARY(ci)) {
      k.g.amd64_pos_cbit = ci.ci_feature_amdsev_ebx & 0x3f; // amd64_pos_cbit = (ci->ci_feature_amdsev_ebx & 0x3f);
      k.g.amd64_pa_rsvd_mask = cpu_pa_rsvd_mask(k, ci); // + amd64_pa_rsvd_mask = cpu_pa_rsvd_mask(ci);
    } else {
      // + } else {
      // + if (amd64_pos_cbit !=
      // +     (ci->ci_feature_amdsev_ebx & 0x3f))
      if (k.g.amd64_pos_cbit !== (ci.ci_feature_amdsev_ebx & 0x3f)) k.g.amd64_pos_cbit = 0; // +  amd64_pos_cbit = 0;
      // + amd64_pa_rsvd_mask &= cpu_pa_rsvd_mask(ci);
      k.g.amd64_pa_rsvd_mask = (k.g.amd64_pa_rsvd_mask ?? 0n) & cpu_pa_rsvd_mask(k, ci);
    }
    k.g.amd64_min_noes_asid = int(ci.ci_feature_amdsev_edx); // amd64_min_noes_asid = ci->ci_feature_amdsev_edx;
    // if (cpu_sev_guestmode && CPU_IS_PRIMARY(ci)) printf(...);
  } else {
    /* A CPU without SEV: no SEV for vmm(4). */
    k.g.amd64_pos_cbit = 0; // amd64_pos_cbit = 0;
    k.g.amd64_pa_rsvd_mask = 0n; // + amd64_pa_rsvd_mask = 0;
  }

  // ... (cpu_topology, cpu_check_vmm_cap, sensors: not ported)
}

export const series2 = portVariant("the tree with patches 0001..0002 of the series", {
  ...series1.tree,
  name: "series-2",
  identifycpu,
});
