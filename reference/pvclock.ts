// The host's pvclock update: write the guest's clock page only when it is guest memory the nested table maps.
import type { GpaKind } from "./memmap";

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
