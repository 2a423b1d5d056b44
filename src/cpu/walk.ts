// The nested page walk of one guest access (APM vol 2 §15.25): the leaf nested PTE decides whether the access
// completes, and to which host physical address, or raises #NPF with its error code.
import type { AccessKind } from "../scenario/types";
import type { Memory } from "./events";
import type { CpuHardware } from "./hardware";

/** Nested PTE bits the walk reads (APM vol 2 §5.4.1, long-mode 4-Kbyte PTE). */
export const PTE_P = 1n << 0n;
export const PTE_RW = 1n << 1n;
export const PTE_US = 1n << 2n;
export const PTE_NX = 1n << 63n;

/** #NPF error code in EXITINFO1 (APM vol 2 §15.25.6, the page-fault error code plus bits 32/33). */
export const NPF_P = 1n << 0n;
export const NPF_RW = 1n << 1n;
export const NPF_US = 1n << 2n;
export const NPF_RSV = 1n << 3n;
export const NPF_ID = 1n << 4n;
/** "bit 32: set if the fault was on the final guest-physical address translation". */
export const NPF_FINAL = 1n << 32n;
/** "bit 33: set if the fault was on a guest page-table access". */
export const NPF_GUEST_PAGE = 1n << 33n;

export type WalkResult = { kind: "ok"; hpa: bigint; encrypted: boolean } | { kind: "npf"; errorCode: bigint };

/** APM vol 2 §15.25.6: "host table walks for guest page tables are always treated as data writes". */
export function effectiveKind(kind: AccessKind, walk: boolean): AccessKind {
  return walk ? "write" : kind;
}

export function accessErrorBits(kind: AccessKind, walk: boolean): bigint {
  // APM vol 2 §15.25.5: nested page table accesses are user accesses, so U/S is always set.
  let code = NPF_US | (walk ? NPF_GUEST_PAGE : NPF_FINAL);
  const effective = effectiveKind(kind, walk);
  if (effective === "write") code |= NPF_RW;
  if (effective === "fetch") code |= NPF_ID;
  return code;
}

/** accessErrorBits of every access kind, not walking and walking, computed once (no BigInt per walk). */
const ERROR_BITS: Readonly<Record<AccessKind, readonly [bigint, bigint]>> = {
  read: [accessErrorBits("read", false), accessErrorBits("read", true)],
  write: [accessErrorBits("write", false), accessErrorBits("write", true)],
  fetch: [accessErrorBits("fetch", false), accessErrorBits("fetch", true)],
};
const NPF_P_RSV = NPF_P | NPF_RSV;

/** Walks the leaf nested PTE `pte` (undefined: none installed) for an access at `gpa` on a CPU with `hw`. */
export function nestedWalk(
  hw: CpuHardware,
  pte: bigint | undefined,
  gpa: bigint,
  kind: AccessKind,
  walk: boolean,
): WalkResult {
  const base = ERROR_BITS[kind][walk ? 1 : 0];
  // APM vol 2 §5.4.1: P=0, the entry is not present.
  if (pte === undefined || (pte & PTE_P) === 0n) return { kind: "npf", errorCode: base };
  // APM vol 2 §5.3.3 / §15.34.1: a set reserved bit faults with RSV=1, whatever the access.
  if ((pte & hw.reservedMask) !== 0n) return { kind: "npf", errorCode: base | NPF_P_RSV };
  // APM vol 2 §5.6: user access to a supervisor page, write to a read-only page, fetch from an NX page.
  const effective = effectiveKind(kind, walk);
  const denied =
    (pte & PTE_US) === 0n ||
    (effective === "write" && (pte & PTE_RW) === 0n) ||
    (effective === "fetch" && (pte & PTE_NX) !== 0n);
  if (denied) return { kind: "npf", errorCode: base | NPF_P };
  return { kind: "ok", hpa: (pte & hw.frameMask) | (gpa & 0xfffn), encrypted: (pte & hw.cBitMask) !== 0n };
}

export type { Memory };
