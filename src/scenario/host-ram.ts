// How much host RAM a scenario's guest needs: the simulated host backs guest memory from a fixed physical base
// upwards, range after range (MMIO ranges take no frames). The validator and the machine both read this.
import type { MemRange } from "./types";

/** Host physical address where the frames backing guest memory start (never frame 0). */
export const GUEST_BACKING_BASE = 0x10000000n;

/** The guest memory a scenario needs backed by host RAM, above GUEST_BACKING_BASE. */
export function hostRamNeeded(memory: MemRange[]): bigint {
  return memory.reduce((sum, m) => (m.type === "mmio" ? sum : sum + m.size), GUEST_BACKING_BASE);
}
