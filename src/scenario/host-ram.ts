// Where the simulated host keeps a guest's memory: the frames backing guest RAM start at GUEST_BACKING_BASE and
// follow each other. The scenario's rules (validate.ts) and the generator (space/) size host RAM from it; the
// machine (cpu/machine.ts) lays guest memory out from it.
import type { MemRange } from "./types";

/** Host physical address where the frames backing guest memory start (never frame 0). */
export const GUEST_BACKING_BASE = 0x10000000n;

/** The guest memory a scenario needs backed by host RAM, above GUEST_BACKING_BASE. */
export function hostRamNeeded(memory: readonly MemRange[]): bigint {
  let sum = GUEST_BACKING_BASE;
  for (const m of memory) if (m.type !== "mmio") sum += m.size;
  return sum;
}
