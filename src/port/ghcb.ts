// Port of the GHCB helpers the host side of vmm(4) uses: the shared area's layout, the valid bitmap and its checks.
/*
 * Sources: OpenBSD sys/arch/amd64/amd64/ghcb.c,v 1.5 and sys/arch/amd64/include/ghcb.h,v 1.5 (2025/08/27), the
 * helpers as the hshoexer/openbsd-src tree of vmm_machdep.c,v 1.59 calls them. No patch touches this file.
 *
 * Deliberate differences:
 *  - struct ghcb_sa holds only the fields the host side reads or writes (valid_bitmap, the four GPRs, SW_EXITCODE,
 *    SW_EXITINFO1/2, SW_SCRATCH); the page itself lives in the machine (see vmm_machdep.ts ghcb_load/ghcb_store).
 *  - The guest-side helpers (ghcb_sync_*, _ghcb_io_rw, _ghcb_mem_rw) are not ported.
 */

/* ghcb.h: GHCB_OFFSET(m) ((m) / 8), GHCB_IDX(m) (GHCB_OFFSET((m)) / 8), GHCB_BIT(m) (GHCB_OFFSET((m)) % 8) */
export const GHCB_XSS = 0x140;
export const GHCB_RAX = 0x1f8;
export const GHCB_RBX = 0x318;
export const GHCB_RCX = 0x308;
export const GHCB_RDX = 0x310;
export const GHCB_SW_EXITCODE = 0x390;
export const GHCB_SW_EXITINFO1 = 0x398;
export const GHCB_SW_EXITINFO2 = 0x3a0;
export const GHCB_SW_SCRATCH = 0x3a8;
export const GHCB_XCR0 = 0x3e8;
export const GHCB_MAX = 0xfff;
export const GHCB_VB_SZ = 0x10;

/* Definitions used with the MSR protocol */
export const MSR_PROTO_CPUID_REQ = 0x4;
export const MSR_PROTO_CPUID_RESP = 0x5;
/** As in ghcb.h of the vmm_machdep.c,v 1.59 tree (later renamed MSR_PROTO_TERMINATION_REQ, same value). */
export const MSR_PROTO_TERMINATE = 0x100;

function GHCB_IDX(m: number): number {
  return Math.trunc(Math.trunc(m / 8) / 8);
}

function GHCB_BIT(m: number): number {
  return Math.trunc(m / 8) % 8;
}

export interface ghcb_sa {
  v_rax: bigint; /* 1F8h */
  v_rcx: bigint; /* 308h */
  v_rdx: bigint; /* 310h */
  v_rbx: bigint; /* 318h */
  v_sw_exitcode: bigint; /* 390h */
  v_sw_exitinfo1: bigint; /* 398h */
  v_sw_exitinfo2: bigint; /* 3a0h */
  v_sw_scratch: bigint; /* 3a8h */
  valid_bitmap: Uint8Array; /* 3F0h-3FFh */
}

/** port-only: an all-zero GHCB. */
export function new_ghcb_sa(): ghcb_sa {
  return {
    v_rax: 0n,
    v_rcx: 0n,
    v_rdx: 0n,
    v_rbx: 0n,
    v_sw_exitcode: 0n,
    v_sw_exitinfo1: 0n,
    v_sw_exitinfo2: 0n,
    v_sw_scratch: 0n,
    valid_bitmap: new Uint8Array(GHCB_VB_SZ),
  };
}

/**
 * ghcb_clear
 *
 * Clear GHCB by setting to all 0.
 */
export function ghcb_clear(ghcb: ghcb_sa): void {
  // memset(ghcb, 0, sizeof(*ghcb));
  ghcb.v_rax = 0n;
  ghcb.v_rcx = 0n;
  ghcb.v_rdx = 0n;
  ghcb.v_rbx = 0n;
  ghcb.v_sw_exitcode = 0n;
  ghcb.v_sw_exitinfo1 = 0n;
  ghcb.v_sw_exitinfo2 = 0n;
  ghcb.v_sw_scratch = 0n;
  ghcb.valid_bitmap.fill(0);
}

/**
 * ghcb_valbm_set
 *
 * Set the quad word position of qword in the GHCB valid bitmap.
 */
export function ghcb_valbm_set(bm: Uint8Array, qword: number): number {
  if (qword > GHCB_MAX) return 1;

  bm[GHCB_IDX(qword)]! |= 1 << GHCB_BIT(qword); // bm[GHCB_IDX(qword)] |= (1 << GHCB_BIT(qword));

  return 0;
}

/**
 * ghcb_valbm_isset
 *
 * Indicate whether a specific quad word is set or not.
 */
export function ghcb_valbm_isset(bm: Uint8Array, qword: number): number {
  if (qword > GHCB_MAX) return 0;

  return bm[GHCB_IDX(qword)]! & (1 << GHCB_BIT(qword));
}

/**
 * ghcb_valid
 *
 * To provide valid information, the exitcode, exitinfo1 and exitinfo2
 * must be set in the GHCB.  Verify by checking valid_bitmap.
 */
export function ghcb_valid(ghcb: ghcb_sa): number {
  const bm = ghcb.valid_bitmap;

  return ghcb_valbm_isset(bm, GHCB_SW_EXITCODE) &&
    ghcb_valbm_isset(bm, GHCB_SW_EXITINFO1) &&
    ghcb_valbm_isset(bm, GHCB_SW_EXITINFO2)
    ? 1
    : 0;
}

/**
 * ghcb_verify_bm
 *
 * To be verified positive, the given expected bitmap must be at
 * least a subset of the provided valid bitmap.
 */
export function ghcb_verify_bm(valid_bm: Uint8Array, expected_bm: Uint8Array): number {
  const missing = (q: number): boolean => ghcb_valbm_isset(expected_bm, q) !== 0 && !ghcb_valbm_isset(valid_bm, q);
  return missing(GHCB_RAX) ||
    missing(GHCB_RBX) ||
    missing(GHCB_RCX) ||
    missing(GHCB_RDX) ||
    missing(GHCB_SW_EXITCODE) ||
    missing(GHCB_SW_EXITINFO1) ||
    missing(GHCB_SW_EXITINFO2) ||
    missing(GHCB_SW_SCRATCH) ||
    missing(GHCB_XCR0) ||
    missing(GHCB_XSS)
    ? 1
    : 0;
}
