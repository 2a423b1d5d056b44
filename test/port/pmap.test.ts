import { describe, expect, it } from "vitest";
import { HostCrash } from "../../src/cpu/machine";
import { collectingContext, ref } from "../../src/port/c";
import {
  PAGE_MASK,
  PG_FRAME,
  PG_N,
  PG_NX,
  PG_PVLIST,
  PG_RW,
  PG_V,
  PG_W,
  PG_WC,
  PG_u,
  PMAP_DIRECT_BASE,
  PMAP_DIRECT_MAP,
  PMAP_DIRECT_UNMAP,
  PMAP_EFI,
  PMAP_NOCACHE,
  PMAP_NOCRYPT,
  PMAP_TYPE_EPT,
  PMAP_TYPE_RVI,
  PMAP_WC,
  PMAP_WIRED,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  VA_SIGN_POS,
  VM_MAXUSER_ADDRESS,
  VM_MAX_ADDRESS,
  pl1_key,
  pmap_bootstrap_env,
  pmap_create,
  pmap_enter,
  pmap_extract,
  trunc_page,
  type pmap,
  type pmap_env,
} from "../../src/port/pmap";

const RWX = PROT_READ | PROT_WRITE | PROT_EXEC;
/** Host RAM below 64 GiB is managed. */
const RAM_TOP = 0x1000000000n;

function env(managed: (pa: bigint) => boolean = (pa) => pa < RAM_TOP): pmap_env {
  return pmap_bootstrap_env(collectingContext().cx, managed);
}

function rvi(): pmap {
  const pm = pmap_create();
  pm.pm_type = PMAP_TYPE_RVI;
  return pm;
}

function enter(pa: bigint, va = 0xf0000000n, prot = RWX, flags = 0, e = env(), pm = rvi()): bigint {
  expect(pmap_enter(e, pm, va, pa, prot, flags)).toBe(0);
  return pm.pm_ptes.get(va)!;
}

describe("pmap_bootstrap_env", () => {
  it("builds protection_codes as pmap_bootstrap does, with NX", () => {
    const e = env();
    expect(e.protection_codes[PROT_NONE]).toBe(PG_NX);
    expect(e.protection_codes[PROT_READ]).toBe(PG_NX);
    expect(e.protection_codes[PROT_READ | PROT_EXEC]).toBe(0n);
    expect(e.protection_codes[PROT_WRITE | PROT_READ]).toBe(PG_RW | PG_NX);
    expect(e.protection_codes[RWX]).toBe(PG_RW);
    expect(e.pg_crypt).toBe(0n);
    expect(e.pg_frame).toBe(PG_FRAME);
  });
});

describe("pmap_enter on the RVI pmap", () => {
  it("maps an unmanaged PA as pa | PG_RW | PG_V | PG_u, without PG_PVLIST", () => {
    expect(enter(0x000fc00000000000n)).toBe(0x000fc00000000007n);
  });

  it("marks a managed page PG_PVLIST", () => {
    expect(enter(0x10001000n)).toBe(0x10001000n | PG_PVLIST | PG_RW | PG_V | PG_u);
  });

  it("strips only the low 12 bits of pa: bits 52..63 go into the PTE", () => {
    expect(enter(0xfff0000000001000n)).toBe(0xfff0000000001007n);
  });

  it("takes pa bit 0 as PMAP_NOCACHE: PG_N, and the frame without it", () => {
    expect(enter(0x000fc00000000001n)).toBe(0x000fc00000000000n | PG_N | 7n);
  });

  it("takes pa bit 1 as PMAP_WC: pmap_pg_wc (PG_WC with PAT)", () => {
    expect(enter(PMAP_WC)).toBe(PG_WC | 7n | PG_PVLIST);
  });

  it("panics on KASSERT(!(wc && nocache)) when pa has both low bits", () => {
    expect(() => pmap_enter(env(), rvi(), 0x1000n, 0x3fn, RWX, 0)).toThrow(HostCrash);
    expect(() => pmap_enter(env(), rvi(), 0x1000n, PMAP_WC | PMAP_NOCACHE, RWX, 0)).toThrow(/wc && nocache/);
  });

  it("maps host frame 0 (managed) for pa 0", () => {
    expect(enter(0n)).toBe(PG_PVLIST | 7n);
  });

  it("uses the protection code of prot", () => {
    expect(enter(0x2000n, 0x1000n, PROT_READ)).toBe(0x2000n | PG_NX | PG_V | PG_u | PG_PVLIST);
  });

  it("sets PG_W for PMAP_WIRED and drops PG_u for PMAP_EFI", () => {
    expect(enter(0x2000n, 0x1000n, RWX, PMAP_WIRED) & PG_W).toBe(PG_W);
    expect(enter(0x2000n, 0x1000n, RWX, PMAP_EFI) & PG_u).toBe(0n);
  });

  it("adds pg_crypt unless PMAP_NOCRYPT", () => {
    const e = env();
    e.pg_crypt = 1n << 51n;
    expect(enter(0x2000n, 0x1000n, RWX, 0, e) & (1n << 51n)).toBe(1n << 51n);
    expect(enter(0x2000n, 0x1000n, RWX, PMAP_NOCRYPT, e) & (1n << 51n)).toBe(0n);
  });

  it("sets PG_u | PG_RW between VM_MAXUSER_ADDRESS and VM_MAX_ADDRESS, neither above", () => {
    const ro = PROT_READ | PROT_EXEC;
    expect(enter(0x2000n, VM_MAXUSER_ADDRESS, ro) & (PG_u | PG_RW)).toBe(PG_u | PG_RW);
    expect(enter(0x2000n, VM_MAX_ADDRESS, ro) & (PG_u | PG_RW)).toBe(0n);
  });

  it("counts a new mapping once and keeps the count when replacing it", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0x2000n, RWX, PMAP_WIRED);
    expect(pm.pm_stats).toEqual({ resident_count: 1, wired_count: 1 });
    pmap_enter(e, pm, 0x1000n, 0x3000n, RWX, 0);
    expect(pm.pm_stats).toEqual({ resident_count: 1, wired_count: 0 });
    expect(pm.pm_ptes.get(0x1000n)).toBe(0x3000n | PG_PVLIST | 7n);
  });

  it("re-enters the same managed PA (same-PA path) with the same PTE", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0x2000n, RWX, 0);
    pmap_enter(e, pm, 0x1000n, 0x2000n, RWX, 0);
    expect(pm.pm_ptes.get(0x1000n)).toBe(0x2000n | PG_PVLIST | 7n);
    expect(pm.pm_stats.resident_count).toBe(1);
  });

  it("re-enters the same unmanaged PA without PG_PVLIST", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0x000fc00000000000n, RWX, 0);
    pmap_enter(e, pm, 0x1000n, 0x000fc00000000000n, RWX, 0);
    expect(pm.pm_ptes.get(0x1000n)).toBe(0x000fc00000000007n);
  });

  it("replaces a bogus PA whose bits above 51 differ from the frame (different-PA path)", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0xfff0000000000000n, RWX, 0);
    pmap_enter(e, pm, 0x1000n, 0xfff0000000000000n, RWX, 0);
    expect(pm.pm_ptes.get(0x1000n)).toBe(0xfff0000000000007n);
    expect(pm.pm_stats.resident_count).toBe(1);
  });

  it("panics (DIAGNOSTIC) when an old PG_PVLIST entry's page is not managed", () => {
    const pm = rvi();
    pm.pm_ptes.set(0x1000n, 0x2000n | PG_PVLIST | PG_V);
    const unmanaged = env(() => false);
    expect(() => pmap_enter(unmanaged, pm, 0x1000n, 0x2000n, RWX, 0)).toThrow(/same pa, PG_PVLIST mapping/);
    expect(() => pmap_enter(unmanaged, pm, 0x1000n, 0x3000n, RWX, 0)).toThrow(/PG_PVLIST mapping with unmanaged/);
  });

  it("panics (DIAGNOSTIC) when a same-PA entry without PG_PVLIST maps a managed page", () => {
    const pm = rvi();
    pm.pm_ptes.set(0x1000n, 0x2000n | PG_V);
    expect(() => pmap_enter(env(), pm, 0x1000n, 0x2000n, RWX, 0)).toThrow(/no PG_PVLIST mapping with managed/);
  });

  it("makes a read-only entry writable (read->write transition)", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0x2000n, PROT_READ | PROT_EXEC, 0);
    pmap_enter(e, pm, 0x1000n, 0x2000n, RWX, 0);
    expect(pm.pm_ptes.get(0x1000n)! & PG_RW).toBe(PG_RW);
  });

  it("does not port the EPT path", () => {
    const pm = pmap_create();
    pm.pm_type = PMAP_TYPE_EPT;
    expect(() => pmap_enter(env(), pm, 0n, 0n, RWX, 0)).toThrow(/not ported/);
  });
});

describe("pmap_extract", () => {
  it("returns (pte & pg_frame) | (va & PAGE_MASK) for a valid entry", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x5000n, 0x000fc00000000000n, RWX, 0);
    const pa = ref(0n);
    expect(pmap_extract(e, pm, 0x5123n, pa)).toBe(1);
    expect(pa.value).toBe(0x000fc00000000123n);
  });

  it("drops PTE bits above 51 (NX, keys) from the returned PA", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x5000n, 0xfff0000000001000n, RWX, 0);
    const pa = ref(0n);
    pmap_extract(e, pm, 0x5000n, pa);
    expect(pa.value).toBe(0x1000n);
  });

  it("returns 0 for no entry or an invalid entry, and accepts a NULL pap", () => {
    const e = env();
    const pm = rvi();
    expect(pmap_extract(e, pm, 0x5000n, ref(0n))).toBe(0);
    pm.pm_ptes.set(0x5000n, 0x1000n);
    expect(pmap_extract(e, pm, 0x5000n, null)).toBe(0);
    pm.pm_ptes.set(0x5000n, 0x1001n);
    expect(pmap_extract(e, pm, 0x5000n, null)).toBe(1);
  });

  it("indexes the tables with VA_SIGN_POS(va): bits 48..63 of va alias", () => {
    const e = env();
    const pm = rvi();
    pmap_enter(e, pm, 0x1000n, 0x2000n, RWX, 0);
    const pa = ref(0n);
    expect(pmap_extract(e, pm, 0x000f000000001000n, pa)).toBe(1);
    expect(pa.value).toBe(0x2000n);
  });
});

describe("address helpers", () => {
  it("trunc_page clears the page offset", () => {
    expect(trunc_page(0xf0000fffn)).toBe(0xf0000000n);
    expect(PAGE_MASK).toBe(0xfffn);
  });

  it("VA_SIGN_POS and pl1_key keep bits 12..47", () => {
    expect(VA_SIGN_POS(0xffff800000001234n)).toBe(0x800000001234n);
    expect(pl1_key(0xffff800000001234n)).toBe(0x800000001000n);
  });

  it("PMAP_DIRECT_MAP and PMAP_DIRECT_UNMAP wrap modulo 2^64 and invert each other", () => {
    expect(PMAP_DIRECT_BASE).toBe(0xffffff0000000000n);
    expect(PMAP_DIRECT_MAP(0x1000n)).toBe(0xffffff0000001000n);
    expect(PMAP_DIRECT_MAP(0x000fc00000000000n)).toBe(0x000fbf0000000000n);
    expect(PMAP_DIRECT_UNMAP(PMAP_DIRECT_MAP(0x000fc00000000000n))).toBe(0x000fc00000000000n);
    expect(PMAP_DIRECT_MAP(0x10000000000n)).toBe(0n);
  });
});
