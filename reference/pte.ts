// The nested page table leaf entry, as APM vol 2 draws the long-mode 4-Kbyte PTE, and the two entries the
// reference model writes: one mapping a guest page to its host frame, one that maps nothing and carries reserved bits.
import { bit, bits, fieldMask } from "./bits";

/**
 * Long-mode 4-Kbyte PTE, APM vol 2 (24593 rev 3.41) §5.4.1, figure "4-Kbyte PTE—Long Mode". Nested page tables use
 * the same entry format as the host's own long-mode tables (APM vol 2 §15.25.3, nested paging).
 */
export const PTE = Object.freeze({
  /** 0 P: present; when clear, the entry maps nothing and any access faults with P = 0. */
  P: bit(0),
  /** 1 R/W: read/write; when clear, the page is read-only. */
  RW: bit(1),
  /** 2 U/S: user/supervisor; when clear, only supervisor accesses are allowed. */
  US: bit(2),
  /** 3 PWT: page-level writethrough. */
  PWT: bit(3),
  /** 4 PCD: page-level cache disable. */
  PCD: bit(4),
  /** 5 A: accessed. */
  A: bit(5),
  /** 6 D: dirty. */
  D: bit(6),
  /** 7 PAT: page-attribute table index bit. */
  PAT: bit(7),
  /** 8 G: global page. */
  G: bit(8),
  /** 11:9 AVL: available to software. */
  AVL: bits(11, 9),
  /** 51:12 Physical-Page Base Address; bits 51:M are reserved, M = the implemented physical address width. */
  Address: bits(51, 12),
  /** 58:52 Available to software. */
  Available: bits(58, 52),
  /** 62:59 MPK: memory protection key (when enabled). */
  MPK: bits(62, 59),
  /** 63 NX: no-execute. */
  NX: bit(63),
});

export const PTE_P = fieldMask(PTE.P);
export const PTE_RW = fieldMask(PTE.RW);
export const PTE_US = fieldMask(PTE.US);
export const PTE_NX = fieldMask(PTE.NX);
export const PTE_ADDRESS = fieldMask(PTE.Address);
export const PAGE_OFFSET = 0xfffn;

/**
 * Rule `nestedAccessesAreUser`. APM vol 2 (24593 rev 3.41) §15.25.6, #NPF EXITINFO1: "Bit 2 (US)—set to 1 if the
 * nested page table level access was a user access. Note that nested page table accesses performed by the MMU are
 * treated as user accesses unless there are features enabled that override this." So a nested leaf that grants
 * guest memory sets U/S, and one with U/S = 0 grants nothing.
 */
export function nestedAccessesAreUser(): bigint {
  return PTE_US;
}

/**
 * Rule `memoryPte`. A nested leaf that maps a guest page to the host frame `hpa`: present, user (see
 * `nestedAccessesAreUser`), writable, executable (NX clear), its Physical-Page Base Address (bits 51:12) = the frame.
 * Writable also because APM vol 2 §15.25.6, EXITINFO1 bit 1: "Note that host table walks for guest page tables are
 * always treated as data writes." No C-bit: APM vol 2 §15.34.8 (Tables 15-30/15-31), with guest C=0 and nested
 * C=0 the access is not encrypted, so the pages the guest shares with the host (its GHCB, its pvclock) stay
 * readable through the host's direct map.
 */
export function memoryPte(hpa: bigint): bigint {
  return (hpa & PTE_ADDRESS) | PTE_P | PTE_RW | nestedAccessesAreUser();
}

/**
 * Rule `reservedBitsPte`. A nested leaf that maps no memory: present, with the address bits `reserved` (reserved on
 * every host CPU) set, and no access rights (R/W = 0, U/S = 0). APM vol 2 §15.25.6, EXITINFO1: "Bit 3 (RSV)—set to 1 if
 * reserved bits were set in the corresponding nested page table entry"; APM vol 2 §15.34.1 (quoted from a secondary
 * transcription): the reduced address bits "are treated the same as other page-table reserved bits: a page fault is
 * generated if they are non-zero during address translation". GHCB spec 56421 §4.1.5 (as the tech@ review thread of the
 * patch reads it): the nested page table needs an entry for MMIO "that has a physical address with these reserved bits
 * set". U/S = 0 keeps the entry grant-less on a CPU that saw no reserved bit: a nested (user) access would take a
 * protection #NPF to the host, never reach memory.
 */
export function reservedBitsPte(reserved: bigint): bigint {
  if ((reserved & PTE_ADDRESS) === 0n || (reserved & ~PTE_ADDRESS) !== 0n) {
    throw new Error("a reserved-bits PTE needs reserved address bits and nothing else");
  }
  return reserved | PTE_P;
}

/** The host frame a memory PTE maps (its Physical-Page Base Address). */
export function pteFrame(pte: bigint): bigint {
  return pte & PTE_ADDRESS;
}

/** Whether `pte` is a present entry the reference model wrote to map guest memory (not a reserved-bits entry). */
export function mapsMemory(pte: bigint | undefined): boolean {
  return pte !== undefined && (pte & PTE_P) !== 0n && (pte & PTE_US) !== 0n;
}
