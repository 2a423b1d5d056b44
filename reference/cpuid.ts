// The CPUID leaves the reference model reads, as tables that read like APM vol 3 Appendix E, and its own decode of
// one host CPU from the raw registers and SYSCFG.MemEncryptionModEn.
import type { CpuidRegs } from "../src/scenario/types";
import { bit, bits, field32, flag32 } from "./bits";

/** The vendor string of CPUID Fn0000_0000 (EBX, EDX, ECX) on AMD processors (APM vol 3 Appendix E.3.1). */
export const AMD_VENDOR = "AuthenticAMD";

/** Leaf numbers (APM vol 3 Appendix E.4). */
export const LEAF = Object.freeze({
  /** Fn8000_0000: "Maximum Extended Function Number and Vendor String". */
  extendedMax: 0x80000000,
  /** Fn8000_0008: "Processor Capacity Parameters and Extended Feature Identification" (address sizes). */
  addressSizes: 0x80000008,
  /** Fn8000_001F: "Encrypted Memory Capabilities" (APM vol 2 §15.34.1, §15.35.1). */
  encryptedMemory: 0x8000001f,
});

/** CPUID Fn8000_0000_EAX (APM vol 3 Appendix E.4.1). */
export const FN8000_0000_EAX = Object.freeze({
  /** 31:0 LFuncExt: "Largest extended function. The largest CPUID extended function input value supported". */
  LFuncExt: bits(31, 0),
});

/** CPUID Fn8000_0008_EAX "Long Mode Size Identifiers" (APM vol 3 Appendix E.4.7). */
export const FN8000_0008_EAX = Object.freeze({
  /** 7:0 PhysAddrSize: "Maximum physical byte address size in bits." */
  PhysAddrSize: bits(7, 0),
  /** 15:8 LinAddrSize: "Maximum linear byte address size in bits." */
  LinAddrSize: bits(15, 8),
  /** 23:16 GuestPhysAddrSize: "Maximum guest physical byte address size in bits" (0: same as PhysAddrSize). */
  GuestPhysAddrSize: bits(23, 16),
});

/**
 * CPUID Fn8000_001F_EAX "Encrypted Memory Capabilities" (APM vol 2 (24593 rev 3.41) §15.34.1, §15.35.1; vol 3
 * (24594) Appendix E.4.17).
 */
export const FN8000_001F_EAX = Object.freeze({
  /** 0 SME: "Secure Memory Encryption supported." */
  SME: bit(0),
  /** 1 SEV: "Secure Encrypted Virtualization supported." */
  SEV: bit(1),
  /** 2 PageFlushMsr: "Page Flush MSR available." */
  PageFlushMsr: bit(2),
  /** 3 SevEs: "SEV Encrypted State supported." */
  SevEs: bit(3),
  /** 4 SevSnp: "SEV Secure Nested Paging supported." */
  SevSnp: bit(4),
});

/** CPUID Fn8000_001F_EBX (APM vol 3 Appendix E.4.17). */
export const FN8000_001F_EBX = Object.freeze({
  /** 5:0 CBit: "C-bit location in page table entry." */
  CBit: bits(5, 0),
  /**
   * 11:6 PhysAddrReduction: "Physical Address bit reduction. Reduction of physical address space in bits when memory
   * encryption is enabled (0 indicates no reduction)."
   */
  PhysAddrReduction: bits(11, 6),
  /** 15:12 NumVMPL: "Number of VM Permission Levels supported." */
  NumVMPL: bits(15, 12),
});

/** The top of a long-mode physical address: bit 51 (APM vol 2 §5.3.3, "52-bit physical address"). */
export const LONG_MODE_PHYS_ADDR_BITS = 52;

/** What the reference model knows about one host CPU, decoded from its raw CPUID and SYSCFG. */
export interface HostCpuView {
  /** CPUID Fn0000_0000 vendor string is "AuthenticAMD". */
  amd: boolean;
  /** Largest extended function (Fn8000_0000_EAX). */
  maxExtended: number;
  /** Fn8000_0008_EAX PhysAddrSize (at most 52), or null when the CPU does not report the leaf. */
  physAddrSize: number | null;
  /** Fn8000_001F is reported (AMD and within the extended range). */
  encryptedMemoryLeaf: boolean;
  sme: boolean;
  sev: boolean;
  sevEs: boolean;
  /** Fn8000_001F_EBX CBit as reported (0 when the leaf is not reported). */
  cBit: number;
  /** Fn8000_001F_EBX PhysAddrReduction as reported (0 when the leaf is not reported). */
  physAddrReduction: number;
  /** Memory encryption is enabled on this CPU: SME supported and SYSCFG.MemEncryptionModEn set. */
  memoryEncryptionEnabled: boolean;
}

/**
 * Rule `isAmdCpu`. APM vol 3 (24594) Appendix E.3.1, CPUID Fn0000_0000_E[B,C,D]X: "Processor Vendor. The 12
 * 8-bit ASCII character codes to create the string "AuthenticAMD"." The encrypted-memory leaf is AMD's; a CPU of
 * another vendor is not read for it.
 */
export function isAmdCpu(vendor: string): boolean {
  return vendor === AMD_VENDOR;
}

/**
 * Rule `extendedLeafReported`. APM vol 3 (24594) Appendix E.4.1, CPUID Fn8000_0000_EAX LFuncExt: "Largest
 * extended function. The largest CPUID extended function input value supported by the processor implementation."
 * A leaf above it is not reported.
 */
export function extendedLeafReported(maxExtended: number, leaf: number): boolean {
  return leaf >>> 0 <= maxExtended >>> 0;
}

/**
 * Rule `physAddrSizeOf`. APM vol 3 (24594) Appendix E.4.7, CPUID Fn8000_0008_EAX[7:0] PhysAddrSize: "Maximum
 * physical byte address size in bits." Long mode addresses at most 52 bits (APM vol 2 §5.3.3: "bits 51:M" hold the
 * physical-address extension), so a larger report is capped at 52. Null when the leaf is not reported: the
 * width is then unknown.
 */
export function physAddrSizeOf(maxExtended: number, eax: number): number | null {
  if (!extendedLeafReported(maxExtended, LEAF.addressSizes)) return null;
  return Math.min(field32(eax, FN8000_0008_EAX.PhysAddrSize), LONG_MODE_PHYS_ADDR_BITS);
}

/**
 * Rule `memoryEncryptionEnabledOn`. Linux Documentation/arch/x86/amd-memory-encryption.rst (AMD-authored): "If
 * support for SME is present, MSR 0xc0010010 (MSR_AMD64_SYSCFG) can be used to determine if SME is enabled ...
 * Bit[23] 0 = memory encryption features are disabled, 1 = memory encryption features are enabled" and "Enabled:
 * Supported and bit 23 of MSR_AMD64_SYSCFG is set." (APM vol 2, 24593 rev 3.41, §15.34.3 likewise makes
 * SYSCFG.MemEncryptionModEn the switch for SEV.)
 */
export function memoryEncryptionEnabledOn(smeSupported: boolean, memEncryptionModEn: boolean): boolean {
  return smeSupported && memEncryptionModEn;
}

/** Reads one host CPU as the reference model sees it: raw CPUID leaves through `cpuid`, and SYSCFG. */
export function decodeHostCpu(
  vendor: string,
  cpuid: (leaf: number) => CpuidRegs,
  memEncryptionModEn: boolean,
): HostCpuView {
  const amd = isAmdCpu(vendor);
  const maxExtended = field32(cpuid(LEAF.extendedMax).eax, FN8000_0000_EAX.LFuncExt) >>> 0;
  const physAddrSize = physAddrSizeOf(maxExtended, cpuid(LEAF.addressSizes).eax);
  const encryptedMemoryLeaf = amd && extendedLeafReported(maxExtended, LEAF.encryptedMemory);
  const enc = encryptedMemoryLeaf ? cpuid(LEAF.encryptedMemory) : { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  const sme = flag32(enc.eax, FN8000_001F_EAX.SME);
  return {
    amd,
    maxExtended,
    physAddrSize,
    encryptedMemoryLeaf,
    sme,
    sev: flag32(enc.eax, FN8000_001F_EAX.SEV),
    sevEs: flag32(enc.eax, FN8000_001F_EAX.SevEs),
    cBit: field32(enc.ebx, FN8000_001F_EBX.CBit),
    physAddrReduction: field32(enc.ebx, FN8000_001F_EBX.PhysAddrReduction),
    memoryEncryptionEnabled: memoryEncryptionEnabledOn(sme, memEncryptionModEn),
  };
}
