// Guest memory maps: vmd(8)'s layout (create_memory_map), and the places in a map a guest access can aim at.
import { PAGE_SIZE, VMM_MAX_VM_MEM_SIZE, type MemRange } from "./types";

export const MiB = 1n << 20n;
export const GiB = 1n << 30n;
export const PAGE_SHIFT = 12n;
/** PAGE_SIZE as a number, for page arithmetic on page numbers that stay below 2^53. */
export const PAGE_BYTES = Number(PAGE_SIZE);
/** The bits of an address above its page offset. */
const PAGE_FRAME_MASK = ~(PAGE_SIZE - 1n);
/** Pages below VMM_MAX_VM_MEM_SIZE (128 GiB): the last valid range ends at this page number. */
export const MAX_GUEST_PAGES = Number(VMM_MAX_VM_MEM_SIZE >> PAGE_SHIFT);

/** vmd: `#define LOWMEM_KB 640` (usr.sbin/vmd). */
export const LOWMEM_KB = 640n;
/** vmd pci.h: `#define PCI_MMIO_BAR_BASE 0xF0000000ULL`. */
export const PCI_MMIO_BAR_BASE = 0xf0000000n;

/**
 * vmd's PCI MMIO window ends below the second BIOS copy, which ends at 4 GiB. Two revisions of usr.sbin/vmd differ:
 * - "vmd": `PCI_MMIO_BAR_END 0xFFDFFFFFULL` ("2 MiB below 4 GiB") and a 2 MiB second BIOS area (OpenBSD 7.x);
 * - "vmd-4m": `PCI_MMIO_BAR_END 0xFFBFFFFFULL` ("4 MiB below 4 GiB") and a 4 MiB area (a newer revision that
 *   allows BIOS images up to 4 MiB).
 */
export const VMD_LAYOUTS = Object.freeze({
  vmd: Object.freeze({ mmioBarEnd: 0xffdfffffn, biosCopy: 2n * MiB }),
  "vmd-4m": Object.freeze({ mmioBarEnd: 0xffbfffffn, biosCopy: 4n * MiB }),
});
export type VmdLayout = keyof typeof VMD_LAYOUTS;

/** vmd's constants as bytes, computed once. */
const LOWMEM = LOWMEM_KB * 1024n;
const BELOW_MMIO_ABOVE_1M = PCI_MMIO_BAR_BASE - MiB;
const FOUR_GIB = 4n * GiB;

/**
 * The memory ranges vmd's create_memory_map() (usr.sbin/vmd/x86_vm.c) builds for a guest of `memBytes` bytes:
 * [0, 640K) RAM; [640K, 1M) RESERVED; [1M, +above_1m) RAM; [PCI_MMIO_BAR_BASE, PCI_MMIO_BAR_END] MMIO;
 * [PCI_MMIO_BAR_END + 1, 4G) RESERVED (the second BIOS copy); [4G, +above_4g) RAM when memory remains.
 * Ported as it is, including its small-guest branch, which places the BIOS area at PCI_MMIO_BAR_END (not + 1): an
 * unaligned range vmm refuses. `memBytes` 0 or above VMM_MAX_VM_MEM_SIZE gives no ranges, as in vmd.
 */
export function vmdMemoryMap(memBytes: bigint, layout: VmdLayout = "vmd"): MemRange[] {
  const { mmioBarEnd, biosCopy } = VMD_LAYOUTS[layout];
  if (memBytes === 0n || memBytes > VMM_MAX_VM_MEM_SIZE) return [];
  const ranges: MemRange[] = [
    { gpa: 0n, size: LOWMEM, type: "ram" },
    { gpa: LOWMEM, size: MiB - LOWMEM, type: "reserved" },
  ];
  const mem = memBytes - MiB;
  if (mem <= biosCopy) {
    ranges.push({ gpa: mmioBarEnd, size: biosCopy, type: "reserved" });
    return ranges;
  }
  let above1m = mem;
  let above4g = 0n;
  if (mem > BELOW_MMIO_ABOVE_1M) {
    above1m = BELOW_MMIO_ABOVE_1M;
    above4g = mem - above1m;
  }
  ranges.push({ gpa: MiB, size: above1m, type: "ram" });
  ranges.push({ gpa: PCI_MMIO_BAR_BASE, size: mmioBarEnd - PCI_MMIO_BAR_BASE + 1n, type: "mmio" });
  ranges.push({ gpa: mmioBarEnd + 1n, size: biosCopy, type: "reserved" });
  if (above4g > 0n) ranges.push({ gpa: FOUR_GIB, size: above4g, type: "ram" });
  return ranges;
}

/** The largest vmd guest whose map vmm accepts: its RAM above 4 GiB ends exactly at VMM_MAX_VM_MEM_SIZE. */
export const VMD_MAX_VALID_MEM = PCI_MMIO_BAR_BASE + (VMM_MAX_VM_MEM_SIZE - 4n * GiB);
/** The smallest vmd guest (in whole MiB) whose map is valid under every layout: more than 1 MiB + 4 MiB. */
export const VMD_MIN_VALID_MIB = 6;

/** A hole in the map: [start, end) lies in no range. */
export interface Gap {
  start: bigint;
  end: bigint;
}

/** The holes below the first range and between ranges (in map order; ranges that overlap leave none). */
export function gapsOf(ranges: readonly MemRange[]): Gap[] {
  const gaps: Gap[] = [];
  let cursor = 0n;
  for (const r of ranges) {
    if (r.gpa > cursor) gaps.push({ start: cursor, end: r.gpa });
    const end = r.gpa + r.size;
    if (end > cursor) cursor = end;
  }
  return gaps;
}

/** The first address above every range (0 for an empty map). */
export function topOf(ranges: readonly MemRange[]): bigint {
  let top = 0n;
  for (const r of ranges) if (r.gpa + r.size > top) top = r.gpa + r.size;
  return top;
}

export function pageOf(gpa: bigint): bigint {
  return gpa & PAGE_FRAME_MASK;
}
