// Which nested-PTE address bits are reserved: on one host CPU (from its own CPUID and SYSCFG), and on every host CPU.
import { maskOf } from "./bits";
import type { HostCpuView } from "./cpuid";
import { LONG_MODE_PHYS_ADDR_BITS } from "./cpuid";
import { PTE } from "./pte";

const ADDRESS_TOP = PTE.Address.hi;
const ADDRESS_BOTTOM = PTE.Address.lo;

/**
 * Rule `bitsAboveMaxPhysAddr`. APM vol 2 (24593 rev 3.41) §5.3.3 / figure "4-Kbyte PTE—Long Mode": the Physical-Page
 * Base Address field is bits 51:12, and its bits 51:M are reserved (must be zero), M being the implemented physical
 * address size (CPUID Fn8000_0008_EAX[7:0], APM vol 3 (24594) Appendix E.4.7). Empty when M is unknown (the CPU does
 * not report Fn8000_0008): then no bit is known to be reserved.
 */
export function bitsAboveMaxPhysAddr(physAddrSize: number | null): bigint {
  if (physAddrSize === null) return 0n;
  return maskOf(ADDRESS_TOP, Math.max(physAddrSize, ADDRESS_BOTTOM));
}

/**
 * Rule `reductionWindow`. CPUID Fn8000_001F_EBX[11:6] PhysAddrReduction: "Reduction of physical address space in
 * bits when memory encryption is enabled (0 indicates no reduction)"; APM vol 2 §15.34.1 gives the example of a
 * physical address size reduced from 48 to 43 bits, bits 47:43 then being reserved. The window is bits
 * M-1 .. M-PhysAddrReduction, only while memory encryption is enabled (Linux amd-memory-encryption.rst: "this only
 * affects system physical addresses, not guest physical addresses" — nested PTEs hold system physical addresses).
 */
export function reductionWindow(physAddrSize: number | null, reduction: number, encryptionEnabled: boolean): bigint {
  if (!encryptionEnabled || physAddrSize === null || reduction === 0) return 0n;
  const m = Math.min(physAddrSize, LONG_MODE_PHYS_ADDR_BITS);
  return maskOf(m - 1, Math.max(m - reduction, ADDRESS_BOTTOM));
}

/**
 * Rule `cBitNeverReserved`. APM vol 2 (24593 rev 3.41) §15.34.8, Tables 15-30/15-31: in the nested page table the
 * C-bit selects the key (guest C=0 with nested C=1: encrypted with the host key; guest C=1: the guest's key), so
 * it is an encryption attribute, not a reserved bit; a set C-bit alone never faults. So the C-bit of a CPU with memory
 * encryption enabled is taken out of that CPU's reserved set.
 */
export function cBitNeverReserved(reserved: bigint, cBit: number, encryptionEnabled: boolean): bigint {
  if (!encryptionEnabled || cBit < ADDRESS_BOTTOM || cBit > ADDRESS_TOP) return reserved;
  return reserved & ~(1n << BigInt(cBit));
}

/** The nested-PTE address bits reserved on one host CPU: 51:M, the reduction window below M, without the C-bit. */
export function reservedAddressBits(cpu: HostCpuView): bigint {
  const enabled = cpu.memoryEncryptionEnabled;
  const reserved =
    bitsAboveMaxPhysAddr(cpu.physAddrSize) | reductionWindow(cpu.physAddrSize, cpu.physAddrReduction, enabled);
  return cBitNeverReserved(reserved, cpu.cBit, enabled);
}

/**
 * Rule `reservedOnEveryCpu`. A vcpu may run on any host CPU, and an entry raises #NPF(RSV) on a CPU only through
 * bits that CPU treats as reserved (APM vol 2 §15.25.6, EXITINFO1 bit 3). The bits that fault wherever the vcpu
 * runs are those reserved on every host CPU. Empty when there is no host CPU.
 */
export function reservedOnEveryCpu(cpus: readonly HostCpuView[]): bigint {
  if (cpus.length === 0) return 0n;
  return cpus.reduce((mask, cpu) => mask & reservedAddressBits(cpu), maskOf(ADDRESS_TOP, ADDRESS_BOTTOM));
}
