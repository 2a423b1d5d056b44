// What one host CPU's hardware does, decoded from the CPUID it reports and SYSCFG: address width, memory
// encryption, the reserved bits of a nested PTE. Each field cites the APM rule it follows.
import type { CpuidRegs, HostCpu } from "../scenario/types";

/** CPUID Fn8000_0000 EAX: largest extended function (APM vol 3, CPUID Fn8000_0000). */
const LEAF_EXT_MAX = 0x80000000;
/** CPUID Fn8000_0008 EAX[7:0] PhysAddrSize (APM vol 3, CPUID Fn8000_0008). */
const LEAF_ADDR_SIZES = 0x80000008;
/** CPUID Fn8000_001F: encrypted memory capabilities (APM vol 2 §15.34.1, §15.35.1). */
const LEAF_MEM_ENCRYPT = 0x8000001f;

/** Long-mode PTEs hold physical address bits up to 51 (APM vol 2 §5.3.3: "bits 51:M reserved"). */
export const PTE_ADDR_TOP = 51;
/** Without CPUID Fn8000_0008 the legacy physical address width (APM vol 2 §5.1: 36 bits with PAE). */
const LEGACY_PHYS_ADDR_SIZE = 36;

export interface CpuHardware {
  /** PhysAddrSize this CPU implements, capped at 52. */
  physAddrSize: number;
  /** SME supported (Fn8000_001F EAX bit 0). */
  sme: boolean;
  /** SEV supported (EAX bit 1). */
  sev: boolean;
  /** SEV-ES supported (EAX bit 3). */
  sevEs: boolean;
  /** Memory encryption is on: SYSCFG.MemEncryptionModEn as the firmware left it (see memEncryptionModEnKept). */
  encryptionActive: boolean;
  /** C-bit position (EBX[5:0]) when encryption is active, else -1. */
  cBit: number;
  /** PhysAddrReduction (EBX[11:6]) in effect: 0 unless encryption is active. */
  reduction: number;
  /** The C-bit as an encryption attribute of a nested PTE (0 when there is none). */
  cBitMask: bigint;
  /** Mask of the leaf nested-PTE bits that are reserved (MBZ) on this CPU. */
  reservedMask: bigint;
  /** Mask of the physical-address bits a present leaf PTE contributes to the host address. */
  frameMask: bigint;
}

/** A leaf's registers, or null where the leaf lies above the largest extended function `max` or is absent. */
function leaf(cpu: HostCpu, max: number, n: number): CpuidRegs | null {
  return n > max ? null : (cpu.cpuid.get(n) ?? null);
}

function bitRange(lo: number, hi: number): bigint {
  if (hi < lo) return 0n;
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}

/** Bits needed to address every byte of host RAM [0, ramBytes). */
export function addressBitsFor(ramBytes: bigint): number {
  if (ramBytes <= 1n) return 0;
  const top = ramBytes - 1n;
  if (top > BigInt(Number.MAX_SAFE_INTEGER)) return top.toString(2).length;
  // Exact below 2^53: the bit length of the high 32-bit half, else of the low half.
  const n = Number(top);
  const high = Math.floor(n / 2 ** 32);
  return high !== 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(n >>> 0);
}

/**
 * Whether the firmware leaves SYSCFG.MemEncryptionModEn set on this CPU. APM vol 2 §15.34.1: the bit is reserved
 * where SME is not supported. This simulated firmware also leaves it clear where the C-bit is one of the bits the
 * host's own RAM addresses use: with encryption on, the CPU would take that address bit for the C-bit and alias
 * RAM. No real part has such a CPUID; such a platform could not run its own kernel with SME on.
 */
export function memEncryptionModEnKept(requested: boolean, sme: boolean, cBit: number, ramBytes: bigint): boolean {
  return requested && sme && cBit >= addressBitsFor(ramBytes);
}

/**
 * `reductionReserved` is a what-if (scenario host.reductionReserved): false makes the reduction window ordinary
 * address bits instead of reserved ones, as Linux KVM assumes of key-ID bits (MKTME/SME); the model's choice for
 * "not reserved", checked on no hardware.
 */
export function hardwareOf(
  cpu: HostCpu,
  memEncryptionModEn: boolean,
  ramBytes: bigint,
  reductionReserved = true,
): CpuHardware {
  const max = (cpu.cpuid.get(LEAF_EXT_MAX)?.eax ?? 0) >>> 0;
  const physAddrSize =
    max >= LEAF_ADDR_SIZES ? Math.min((leaf(cpu, max, LEAF_ADDR_SIZES)?.eax ?? 0) & 0xff, 52) : LEGACY_PHYS_ADDR_SIZE;
  const enc = leaf(cpu, max, LEAF_MEM_ENCRYPT);
  const encEax = enc?.eax ?? 0;
  const encEbx = enc?.ebx ?? 0;
  const sme = (encEax & 1) !== 0;
  const sev = (encEax & 2) !== 0;
  const sevEs = (encEax & 8) !== 0;
  const reportedCBit = encEbx & 0x3f;
  const reportedReduction = (encEbx >>> 6) & 0x3f;
  const encryptionActive = memEncryptionModEnKept(memEncryptionModEn, sme, reportedCBit, ramBytes);
  const cBit = encryptionActive ? reportedCBit : -1;
  // APM vol 2 §15.34.1: "the physical address size may be reduced when memory encryption is enabled ... the
  // reserved bits are treated the same as other page-table reserved bits".
  const reduction = encryptionActive ? reportedReduction : 0;
  // APM vol 2 §5.3.3: bits 51:MAXPHYADDR of a PTE are reserved; address bits start at 12.
  const lowestReserved = Math.max(12, physAddrSize - (reductionReserved ? reduction : 0));
  const { cBitMask, reservedMask, frameMask } = pteMasks(lowestReserved, cBit);
  return { physAddrSize, sme, sev, sevEs, encryptionActive, cBit, reduction, cBitMask, reservedMask, frameMask };
}

type PteMasks = Readonly<Pick<CpuHardware, "cBitMask" | "reservedMask" | "frameMask">>;

/** The masks of a leaf nested PTE, by lowest reserved bit and C-bit (-1: none): few pairs, each built once. */
const MASKS = new Map<number, PteMasks>();

function pteMasks(lowestReserved: number, cBit: number): PteMasks {
  const key = lowestReserved * 128 + cBit + 1; // cBit + 1 is 0..64
  let masks = MASKS.get(key);
  if (masks === undefined) {
    // APM vol 2 §15.34.8 (Tables 15-30/15-31): in a nested PTE the C-bit is an encryption attribute, not reserved.
    const cBitMask = cBit >= 0 && cBit <= PTE_ADDR_TOP ? 1n << BigInt(cBit) : 0n;
    const reservedMask = bitRange(lowestReserved, PTE_ADDR_TOP) & ~cBitMask;
    const frameMask = bitRange(12, lowestReserved - 1) & ~cBitMask;
    masks = Object.freeze({ cBitMask, reservedMask, frameMask });
    MASKS.set(key, masks);
  }
  return masks;
}
