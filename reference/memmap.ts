// The guest memory map: the documented rules VMM_IOC_CREATE applies to it, and what a guest-physical address is.
import type { MemRange, MemType } from "../src/scenario/types";
import { PAGE_SIZE, VMM_MAX_MEM_RANGES, VMM_MAX_VM_MEM_SIZE } from "../src/scenario/types";

// Source of every rule in this file: OpenBSD sys/dev/vmm/vmm.c, vm_create_check_mem_ranges(), whose comment
// documents the contract: "Make sure that the guest physical memory ranges given by the user process do not overlap
// and are in ascending order. The last physical address may not exceed VMM_MAX_VM_MEM_SIZE. Return Values: The
// total memory size in bytes if the checks were successful; 0: One of the memory ranges was invalid or
// VMM_MAX_VM_MEM_SIZE was exceeded", and vm_create(), which fails with EINVAL when that size is 0.

/** Rule `rangeCountValid`. vmm.c: "if (vcp->vcp_nmemranges == 0 || vcp->vcp_nmemranges > VMM_MAX_MEM_RANGES)". */
export function rangeCountValid(count: number): boolean {
  return count >= 1 && count <= VMM_MAX_MEM_RANGES;
}

/** Rule `rangePageAligned`. vmm.c: "Only page-aligned addresses and sizes are permitted", and the size is not 0. */
export function rangePageAligned(r: MemRange): boolean {
  const offset = PAGE_SIZE - 1n;
  return (r.gpa & offset) === 0n && (r.size & offset) === 0n && r.size !== 0n;
}

/**
 * Rule `rangeBelowMaxGpa`. vmm.c: "Make sure that VMM_MAX_VM_MEM_SIZE is not exceeded": gpa < VMM_MAX_VM_MEM_SIZE
 * (128 GiB) and size <= VMM_MAX_VM_MEM_SIZE - gpa.
 */
export function rangeBelowMaxGpa(r: MemRange): boolean {
  return r.gpa >= 0n && r.gpa < VMM_MAX_VM_MEM_SIZE && r.size <= VMM_MAX_VM_MEM_SIZE - r.gpa;
}

/**
 * Rule `rangesAscendingDisjoint`. vmm.c: "Make sure that guest physical memory ranges do not overlap and that they
 * are ascending."
 */
export function rangesAscendingDisjoint(previous: MemRange, next: MemRange): boolean {
  return previous.gpa + previous.size <= next.gpa;
}

/**
 * Rule `guestBacked`. vmm.c: "No memory is mappable in MMIO ranges, so don't count towards the total guest memory
 * size." RAM and reserved (BIOS) ranges are backed by memory; MMIO ranges are not.
 */
export function guestBacked(type: MemType): boolean {
  return type !== "mmio";
}

/** Rule `hasGuestMemory`. The checked size is the sum of the non-MMIO ranges, and a size of 0 refuses the VM. */
export function hasGuestMemory(ranges: readonly MemRange[]): boolean {
  return ranges.some((r) => guestBacked(r.type) && r.size > 0n);
}

/** A refused memory map: the rule that refused it (a stable name) and the details in words. */
export interface MapProblem {
  rule: "rangeCountValid" | "rangePageAligned" | "rangeBelowMaxGpa" | "rangesAscendingDisjoint" | "hasGuestMemory";
  detail: string;
}

/** The first rule a memory map breaks, in the order vm_create_check_mem_ranges checks them; null when valid. */
export function memoryMapProblem(ranges: readonly MemRange[]): MapProblem | null {
  if (!rangeCountValid(ranges.length)) {
    return { rule: "rangeCountValid", detail: `invalid number of guest memory ranges (${ranges.length})` };
  }
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (!rangePageAligned(r)) {
      return { rule: "rangePageAligned", detail: `memory range ${i} is not page aligned or is empty` };
    }
    if (!rangeBelowMaxGpa(r)) {
      return { rule: "rangeBelowMaxGpa", detail: `memory range ${i} exceeds the maximum guest memory size` };
    }
    if (i > 0 && !rangesAscendingDisjoint(ranges[i - 1]!, r)) {
      return { rule: "rangesAscendingDisjoint", detail: `memory range ${i} overlaps or is not ascending` };
    }
  }
  if (!hasGuestMemory(ranges)) return { rule: "hasGuestMemory", detail: "no guest memory outside MMIO ranges" };
  return null;
}

/** The range holding guest-physical address `gpa`, or null when `gpa` lies in no range (below, between, above). */
export function rangeContaining(ranges: readonly MemRange[], gpa: bigint): MemRange | null {
  for (const r of ranges) if (gpa >= r.gpa && gpa < r.gpa + r.size) return r;
  return null;
}

/** What a guest-physical address is: guest memory (RAM or reserved), MMIO, or nothing. */
export type GpaKind = "memory" | "mmio" | "none";

export function gpaKind(ranges: readonly MemRange[], gpa: bigint): GpaKind {
  const r = rangeContaining(ranges, gpa);
  if (r === null) return "none";
  return guestBacked(r.type) ? "memory" : "mmio";
}
