// The host's pvclock update: write the guest's clock page only when it is guest memory the nested table maps.
import type { MemRange } from "../src/scenario/types";
import { gpaKind, rangeContaining, type GpaKind } from "./memmap";

/** sizeof(struct pvclock_vcpu_time_info): 32 bytes (Linux Documentation/virt/kvm/x86/msr.rst, MSR_KVM_SYSTEM_TIME). */
export const PVCLOCK_TIME_INFO_SIZE = 32n;

/**
 * Rule `pvclockArea`. Linux Documentation/virt/kvm/x86/msr.rst, MSR_KVM_SYSTEM_TIME_NEW: "data: 4-byte aligned physical
 * address of a memory area which must be in guest RAM, plus an enable bit in bit 0": the structure starts at the
 * written value without bit 0. It must lie in one guest-memory range and, as Linux KVM requires of the cache it maps
 * it with (virt/kvm/pfncache.c: "if (offset_in_page(gpa) + len > PAGE_SIZE) return -EINVAL"), in one page. The kind
 * of the area: "memory" when it qualifies, else what its first byte is (an area crossing out of memory is "none").
 */
export function pvclockArea(ranges: readonly MemRange[], gpa: bigint, size = PVCLOCK_TIME_INFO_SIZE): GpaKind {
  const start = gpa & ~1n;
  return memoryArea(ranges, start, size, true);
}

/** sizeof(struct pvclock_wall_clock): 12 bytes (msr.rst, MSR_KVM_WALL_CLOCK: version, sec, nsec as u32). */
export const PVCLOCK_WALL_CLOCK_SIZE = 12n;

/**
 * Rule `wallClockArea`. Linux Documentation/virt/kvm/x86/msr.rst, MSR_KVM_WALL_CLOCK_NEW: "data: 4-byte aligned
 * physical address of a memory area which must be in guest RAM" (no enable bit: the host writes the wall clock once,
 * at the WRMSR). Linux KVM writes it with kvm_write_guest, which crosses pages; the area must lie in one guest-memory
 * range.
 */
export function wallClockArea(ranges: readonly MemRange[], gpa: bigint): GpaKind {
  return memoryArea(ranges, gpa, PVCLOCK_WALL_CLOCK_SIZE, false);
}

function memoryArea(ranges: readonly MemRange[], start: bigint, size: bigint, onePage: boolean): GpaKind {
  const kind = gpaKind(ranges, start);
  if (kind !== "memory") return kind;
  const last = start + size - 1n;
  const samePage = !onePage || start >> 12n === last >> 12n;
  return samePage && rangeContaining(ranges, last) === rangeContaining(ranges, start) ? "memory" : "none";
}

/** What the host does when the guest points its pvclock at a GPA. */
export type PvclockAction =
  /** The GPA is not guest memory: the host touches nothing. */
  | "refuse"
  /** Guest memory, but the nested table maps nothing there yet: no host page to write. */
  | "unmapped"
  /** Write the clock through the host's direct map at the page's host frame. */
  | "write";

/**
 * Rule `pvclockAction`. The host writes the clock page through its direct map at the frame backing the GPA, so the GPA
 * must be guest memory: vmm.c "No memory is mappable in MMIO ranges", and a GPA outside every range has no backing at
 * all. The host finds the page through the nested table (vmm contract, OpenBSD vmm_machdep.c 1.59
 * vmm_update_pvclock looks the GPA up with pmap_extract on the VM's nested pmap and writes through
 * PMAP_DIRECT_MAP): a page it does not map yet has nothing to update.
 */
export function pvclockAction(kind: GpaKind, mappedInNpt: boolean): PvclockAction {
  if (kind !== "memory") return "refuse";
  return mappedInNpt ? "write" : "unmapped";
}

/**
 * Rule `pvclockAtEntry`. vmm contract (OpenBSD vmm_machdep.c 1.59 vcpu_run_svm): "vmm_update_pvclock(vcpu);" at the
 * top of the run loop, before every guest entry: once the guest registered its clock (KVM_MSR_SYSTEM_TIME with the
 * enable bit), the host writes it before each entry into the guest, whenever the nested table maps the page. A
 * registration the host refused (not guest memory) leaves the previous one in place (the WRMSR only raises #GP).
 */
export function pvclockAtEntry(registered: boolean, mappedInNpt: boolean): boolean {
  return registered && mappedInNpt;
}
