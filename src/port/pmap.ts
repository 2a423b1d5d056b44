// Port of the amd64 pmap pieces vmm(4) uses on the SVM path: pmap_create, pmap_enter (RVI and ordinary pmaps) and
// pmap_extract, with the exact PTE bit handling of pmap.c.
/*
 * Source: OpenBSD sys/arch/amd64/amd64/pmap.c,v 1.191 as mirrored in mmapdreams/src@a984b56fa195f5aafec99df2aad8561c65ee387a
 * (the 2024/25 pmap with PMAP_NOCRYPT, pg_crypt and pg_frame); constants from sys/arch/amd64/include/pte.h,
 * pmap.h and vmparam.h of the same era, uvm/uvm_pmap.h for the MI flags. No patch touches this file.
 *
 * Deliberate differences:
 *  - Page tables are not memory: a pmap holds its level-1 PTEs in `pm_ptes`, keyed by the page's VA as
 *    PTE_BASE[pl1_i(va)] indexes it (VA_SIGN_POS(va) & L1_FRAME). Higher-level PTPs are taken as always
 *    allocatable: pmap_get_ptp() never returns NULL. pmap_pv_pool is a count of free items (`pmap_pv_pool_free`,
 *    from the scenario's host.pvEntries; unlimited without it): pool_get(…, PR_NOWAIT) returns NULL at 0.
 *  - PHYS_TO_VM_PAGE(pa) is answered by the environment (`pmap_env`): in the kernel a page is managed when the
 *    machine has RAM at `pa` (machine.classify(pa) !== "none").
 *  - PV lists, TLB shootdowns, wbinvd and the locking are bookkeeping the outcome cannot see: kept as comments.
 *  - pmap_bootstrap is reduced to the globals pmap_enter reads, for a bare-metal amd64 host with NX and PAT:
 *    pg_nx = PG_NX, pg_xo = 0 (no PKU assumed; only PROT_EXEC alone reads it), pmap_pg_wc = PG_WC,
 *    pg_crypt = 0 and pg_frame = PG_FRAME (they narrow only when the kernel itself runs as an SEV guest).
 *  - panic() and failed KASSERT()s (DIAGNOSTIC is on in GENERIC) throw HostCrash.
 *  - pmap_enter_ept and pmap_kernel()'s direct-map shortcut in pmap_extract are not ported (vmm's SVM path never
 *    reaches them); reaching them throws.
 */
import { HostCrash } from "../cpu/machine";
import { CContext, type Ref, u64, u64add, u64not, u64sub } from "./c";

/* sys/arch/amd64/include/param.h */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1n << 12n;
export const PAGE_MASK = PAGE_SIZE - 1n;

/** trunc_page(x): ((x) & ~PAGE_MASK) */
export function trunc_page(x: bigint): bigint {
  return u64(x) & u64not(PAGE_MASK);
}

/* sys/arch/amd64/include/pte.h */
export const PG_V = 0x0000000000000001n; /* valid */
export const PG_RO = 0x0000000000000000n; /* read-only */
export const PG_RW = 0x0000000000000002n; /* read-write */
export const PG_u = 0x0000000000000004n; /* user accessible */
export const PG_PROT = 0x0000000000000006n;
export const PG_WT = 0x0000000000000008n; /* write-through */
export const PG_N = 0x0000000000000010n; /* non-cacheable */
export const PG_U = 0x0000000000000020n; /* used */
export const PG_M = 0x0000000000000040n; /* modified */
export const PG_PAT = 0x0000000000000080n; /* PAT bit (on pte) */
export const PG_PS = 0x0000000000000080n; /* 2MB page size */
export const PG_G = 0x0000000000000100n; /* not flushed */
export const PG_AVAIL1 = 0x0000000000000200n;
export const PG_AVAIL2 = 0x0000000000000400n;
export const PG_AVAIL3 = 0x0000000000000800n;
export const PG_PATLG = 0x0000000000001000n; /* PAT on large pages */
export const PG_PKMASK = 0x7800000000000000n; /* Protection Key Mask */
export const PG_XO = 0x0800000000000000n; /* key1 used for execute-only */
export const PG_NX = 0x8000000000000000n; /* non-executable */
export const PG_FRAME = 0x000ffffffffff000n;
export const PG_LGFRAME = 0x000fffffffe00000n; /* large (2M) page frame mask */
/* Cacheability bits when we are using PAT */
export const PG_WB = 0n; /* The default */
export const PG_WC = PG_WT; /* WT and CD is WC */
export const PG_UCMINUS = PG_N; /* UC but mtrr can override */
export const PG_UC = PG_WT | PG_N; /* hard UC */

/* sys/arch/amd64/include/pmap.h */
export const PG_W = PG_AVAIL1; /* "wired" mapping */
export const PG_PVLIST = PG_AVAIL2; /* mapping has entry on pvlist */
export const PMAP_TYPE_NORMAL = 1;
export const PMAP_TYPE_EPT = 2;
export const PMAP_TYPE_RVI = 3;
/* MD flags that we use for pmap_enter (in the pa): */
export const PMAP_PA_MASK = u64not(PAGE_MASK); /* ~((paddr_t)PAGE_MASK): to remove the flags */
export const PMAP_NOCACHE = 0x1n; /* set the non-cacheable bit. */
export const PMAP_WC = 0x2n; /* set page write combining. */
/** VA_SIGN_MASK: 0xffff000000000000 */
export const VA_SIGN_MASK = 0xffff000000000000n;
/** L1_FRAME: L4_FRAME | L3_FRAME | L2_FRAME | L1_MASK (the bits pl1_i() keeps, before >> L1_SHIFT) */
export const L1_FRAME = 0x0000fffffffff000n;
/** L4_SLOT_DIRECT (pmap.h), NBPD_L4 = 1 << 39 */
export const L4_SLOT_DIRECT = 510n;
export const NBPD_L4 = 1n << 39n;
/** PMAP_DIRECT_BASE: VA_SIGN_NEG((L4_SLOT_DIRECT * NBPD_L4)). Recent kernels add a boot-time random offset. */
export const PMAP_DIRECT_BASE = VA_SIGN_NEG(L4_SLOT_DIRECT * NBPD_L4);

/* uvm/uvm_pmap.h, machine pmap.h */
export const PMAP_WIRED = 0x00000010; /* wired mapping */
export const PMAP_CANFAIL = 0x00000020; /* can fail if resource shortage */
export const PMAP_MD0 = 0x00000040;
export const PMAP_MD1 = 0x00000080;
export const PMAP_EFI = PMAP_MD0;
export const PMAP_NOCRYPT = PMAP_MD1;

/* sys/sys/mman.h */
export const PROT_NONE = 0x00;
export const PROT_READ = 0x01;
export const PROT_WRITE = 0x02;
export const PROT_EXEC = 0x04;

/* sys/arch/amd64/include/vmparam.h */
export const VM_MAXUSER_ADDRESS = 0x00007f7fffffc000n;
export const VM_MAX_ADDRESS = 0x00007fbfdfeff000n;

/* sys/errno.h */
export const ENOMEM = 12;

/** VA_SIGN_NEG(va): ((va) | VA_SIGN_MASK) */
export function VA_SIGN_NEG(va: bigint): bigint {
  return u64(va) | VA_SIGN_MASK;
}

/** VA_SIGN_POS(va): ((va) & ~VA_SIGN_MASK) */
export function VA_SIGN_POS(va: bigint): bigint {
  return u64(va) & u64not(VA_SIGN_MASK);
}

/** port-only: the key of PTE_BASE[pl1_i(va)] in pm_ptes: pl1_i(va) << L1_SHIFT. */
export function pl1_key(va: bigint): bigint {
  return VA_SIGN_POS(va) & L1_FRAME;
}

/** PMAP_DIRECT_MAP(pa): ((vaddr_t)PMAP_DIRECT_BASE + (pa)) */
export function PMAP_DIRECT_MAP(pa: bigint): bigint {
  return u64add(PMAP_DIRECT_BASE, pa);
}

/** PMAP_DIRECT_UNMAP(va): ((paddr_t)(va) - PMAP_DIRECT_BASE) */
export function PMAP_DIRECT_UNMAP(va: bigint): bigint {
  return u64sub(va, PMAP_DIRECT_BASE);
}

/** pmap_valid_entry(E): ((E) & PG_V) */
export function pmap_valid_entry(e: bigint): boolean {
  return (e & PG_V) !== 0n;
}

export interface pmap_statistics {
  resident_count: number;
  wired_count: number;
}

export interface pmap {
  pm_type: number;
  pm_stats: pmap_statistics;
  /** port-only: the level-1 PTEs, PTE_BASE[pl1_i(va)], keyed by pl1_key(va). */
  pm_ptes: Map<bigint, bigint>;
}

export interface vm_page {
  phys_addr: bigint;
  pg_flags: number;
}

/** PG_PMAP_WC (PG_PMAP2): a managed page mapped write-combining somewhere. */
export const PG_PMAP_WC = 0x04000000;

/** pmap.c's globals (set by pmap_bootstrap) and UVM's physical page lookup. */
export interface pmap_env {
  readonly cx: CContext;
  /** PHYS_TO_VM_PAGE(pa): the vm_page of a managed page, NULL for memory UVM does not manage. */
  PHYS_TO_VM_PAGE(pa: bigint): vm_page | null;
  pg_nx: bigint;
  pg_xo: bigint;
  pg_g_kern: bigint;
  pg_crypt: bigint;
  pg_frame: bigint;
  pg_lgframe: bigint;
  pmap_pg_wc: bigint;
  /** pt_entry_t protection_codes[8]; maps MI prot to i386 prot code */
  protection_codes: readonly bigint[];
  /** int pmap_initialized; pmap_init done yet? */
  pmap_initialized: number;
  /** port-only: free items of pmap_pv_pool (null: the pool never runs dry); pool_get/pool_put count them. */
  pmap_pv_pool_free: number | null;
}

/** pool_get(&pmap_pv_pool, PR_NOWAIT): a pv entry, or NULL when the pool has no free item (port: a count). */
function pool_get_pv(env: pmap_env): object | null {
  if (env.pmap_pv_pool_free === null) return {};
  if (env.pmap_pv_pool_free === 0) return null;
  env.pmap_pv_pool_free--;
  return {};
}

/** pool_put(&pmap_pv_pool, pve) */
function pool_put_pv(env: pmap_env, _pve: object): void {
  if (env.pmap_pv_pool_free !== null) env.pmap_pv_pool_free++;
}

/** pg_nx: the CPU supports NX. */
const pg_nx = PG_NX;
/** pg_xo: no PKU. */
const pg_xo = 0n;

/**
 * protection_codes[] as pmap_bootstrap fills it. It depends only on pg_nx and pg_xo, the same on every host this port
 * boots, so it is filled once and shared, read-only, by every boot.
 */
const protection_codes: readonly bigint[] = (() => {
  const protection_codes: bigint[] = new Array<bigint>(8).fill(0n);
  protection_codes[PROT_NONE] = pg_nx; /* --- */
  protection_codes[PROT_EXEC] = pg_xo; /* --x */
  protection_codes[PROT_READ] = PG_RO | pg_nx; /* -r- */
  protection_codes[PROT_READ | PROT_EXEC] = PG_RO; /* -rx */
  protection_codes[PROT_WRITE] = PG_RW | pg_nx; /* w-- */
  protection_codes[PROT_WRITE | PROT_EXEC] = PG_RW; /* w-x */
  protection_codes[PROT_WRITE | PROT_READ] = PG_RW | pg_nx; /* wr- */
  protection_codes[PROT_READ | PROT_WRITE | PROT_EXEC] = PG_RW; /* wrx */
  return Object.freeze(protection_codes);
})();

/**
 * port-only: pmap.c's globals as pmap_bootstrap leaves them on a bare-metal host, and the physical page lookup.
 * `managed(pa)` says whether UVM manages the page at `pa`.
 */
export function pmap_bootstrap_env(
  cx: CContext,
  managed: (pa: bigint) => boolean,
  pvPoolFree: number | null = null,
): pmap_env {
  return {
    cx,
    PHYS_TO_VM_PAGE: (pa) => (managed(pa) ? { phys_addr: pa & PMAP_PA_MASK, pg_flags: 0 } : null),
    pg_nx,
    pg_xo,
    pg_g_kern: 0n /* only pmap_kernel() mappings use it */,
    pg_crypt: 0n /* pg_crypt, pg_frame, pg_lgframe: will be derived from CPUID */,
    pg_frame: PG_FRAME,
    pg_lgframe: PG_LGFRAME,
    pmap_pg_wc: PG_WC /* the processor supports PAT */,
    protection_codes,
    pmap_initialized: 1,
    pmap_pv_pool_free: pvPoolFree,
  };
}

/** panic(fmt, ...): the host stops. */
export function panic(msg: string): never {
  throw new HostCrash(`panic: ${msg}`);
}

/** KASSERT(e) with DIAGNOSTIC. */
export function KASSERT(e: boolean, expr: string, file: string): void {
  if (!e) panic(`kernel diagnostic assertion "${expr}" failed: file "${file}"`);
}

/** pmap_is_ept(pm): ((pm)->pm_type == PMAP_TYPE_EPT) */
export function pmap_is_ept(pm: pmap): boolean {
  return pm.pm_type === PMAP_TYPE_EPT;
}

/** pmap_create: create a pmap (port: an empty user pmap). */
export function pmap_create(): pmap {
  return { pm_type: PMAP_TYPE_NORMAL, pm_stats: { resident_count: 0, wired_count: 0 }, pm_ptes: new Map() };
}

/**
 * pmap_enter: enter a mapping into a pmap
 *
 * => must be done "now" ... no lazy-evaluation
 */
export function pmap_enter(env: pmap_env, pmap: pmap, va: bigint, pa: bigint, prot: number, flags: number): number {
  let opte: bigint, npte: bigint;
  let ptp: { wire_count: number } | null;
  let pg: vm_page | null = null;
  let pve: object | null;
  let opve: object | null = null;
  let ptpdelta: number, wireddelta: number, resdelta: number;
  const wired = (flags & PMAP_WIRED) !== 0; // int wired = (flags & PMAP_WIRED) != 0;
  const crypt = (flags & PMAP_NOCRYPT) === 0; // int crypt = (flags & PMAP_NOCRYPT) == 0;
  const nocache = (pa & PMAP_NOCACHE) !== 0n; // int nocache = (pa & PMAP_NOCACHE) != 0;
  let wc = (pa & PMAP_WC) !== 0n; // int wc = (pa & PMAP_WC) != 0;
  let error: number;

  if (pmap_is_ept(pmap)) throw new Error("pmap_enter_ept is not ported"); // return pmap_enter_ept(pmap, va, pa, prot);

  KASSERT(!(wc && nocache), "!(wc && nocache)", "pmap.c");
  pa = pa & PMAP_PA_MASK; // pa &= PMAP_PA_MASK;

  // DIAGNOSTIC: va == PDP_BASE and missing kernel PTPs panic; vmm enters GPAs (< VMM_MAX_VM_MEM_SIZE) and vmd's
  // user VAs, never those.

  pve = pool_get_pv(env); // pve = pool_get(&pmap_pv_pool, PR_NOWAIT);
  if (pve === null) {
    if (flags & PMAP_CANFAIL) {
      error = ENOMEM;
      return error;
    }
    panic("pmap_enter: no pv entries available");
  }

  /*
   * map in ptes and get a pointer to our PTP (unless we are the kernel)
   */
  // scr3 = pmap_map_ptes(pmap); shootself = (scr3 == 0);
  ptp = { wire_count: 1 }; // ptp = pmap_get_ptp(pmap, va); (port: never NULL; pmap_kernel() is not entered here)
  opte = pmap.pm_ptes.get(pl1_key(va)) ?? 0n; // opte = PTE_BASE[pl1_i(va)]; /* old PTE */

  enter_now: {
    /*
     * is there currently a valid mapping at our VA?
     */
    if (pmap_valid_entry(opte)) {
      /*
       * first, calculate pm_stats updates.  resident count will not
       * change since we are replacing/changing a valid mapping.
       * wired count might change...
       */
      resdelta = 0;
      if (wired && (opte & PG_W) === 0n) wireddelta = 1;
      else if (!wired && (opte & PG_W) !== 0n) wireddelta = -1;
      else wireddelta = 0;
      ptpdelta = 0;

      /*
       * is the currently mapped PA the same as the one we
       * want to map?
       */
      if ((opte & env.pg_frame) === pa) {
        /* if this is on the PVLIST, sync R/M bit */
        if (opte & PG_PVLIST) {
          pg = env.PHYS_TO_VM_PAGE(pa);
          if (pg === null)
            panic(
              `pmap_enter: same pa, PG_PVLIST mapping with unmanaged page: va 0x${va.toString(16)}, ` +
                `opte 0x${opte.toString(16)}, pa 0x${pa.toString(16)}`,
            );
          // pmap_sync_flags_pte(pg, opte);
        } else {
          if (env.PHYS_TO_VM_PAGE(pa) !== null)
            panic(
              `pmap_enter: same pa, no PG_PVLIST mapping with managed page: va 0x${va.toString(16)}, ` +
                `opte 0x${opte.toString(16)}, pa 0x${pa.toString(16)}`,
            );
        }
        break enter_now; // goto enter_now;
      }

      /*
       * changing PAs: we must remove the old one first
       */

      /*
       * if current mapping is on a pvlist,
       * remove it (sync R/M bits)
       */
      if (opte & PG_PVLIST) {
        pg = env.PHYS_TO_VM_PAGE(opte & env.pg_frame);
        if (pg === null)
          panic(
            `pmap_enter: PG_PVLIST mapping with unmanaged page: va 0x${va.toString(16)}, ` +
              `opte 0x${opte.toString(16)}, pa 0x${pa.toString(16)}`,
          );
        // pmap_sync_flags_pte(pg, opte);
        opve = {}; // opve = pmap_remove_pv(pg, pmap, va);
        pg = null; /* This is not the page we are looking for */
      }
    } else {
      /* opte not valid */
      resdelta = 1;
      if (wired) wireddelta = 1;
      else wireddelta = 0;
      if (ptp !== null) ptpdelta = 1;
      else ptpdelta = 0;
    }

    /*
     * pve is either NULL or points to a now-free pv_entry structure
     * (the latter case is if we called pmap_remove_pv above).
     *
     * if this entry is to be on a pvlist, enter it now.
     */
    if (env.pmap_initialized) pg = env.PHYS_TO_VM_PAGE(pa);

    if (pg !== null) {
      // pmap_enter_pv(pg, pve, pmap, va, ptp);
      pve = null;
    }
  }
  // enter_now:
  /*
   * at this point pg is !NULL if we want the PG_PVLIST bit set
   */
  pmap.pm_stats.resident_count += resdelta;
  pmap.pm_stats.wired_count += wireddelta;
  if (ptp !== null) ptp.wire_count += ptpdelta;

  KASSERT(samePage(pg, env.PHYS_TO_VM_PAGE(pa)), "pg == PHYS_TO_VM_PAGE(pa)", "pmap.c");

  npte = pa | env.protection_codes[prot]! | PG_V; // npte = pa | protection_codes[prot] | PG_V;
  if (pg !== null) {
    npte |= PG_PVLIST;
    /*
     * make sure that if the page is write combined all
     * instances of pmap_enter make it so.
     */
    if (pg.pg_flags & PG_PMAP_WC) {
      KASSERT(nocache === false, "nocache == 0", "pmap.c");
      wc = true;
    }
  }
  if (wc) npte |= env.pmap_pg_wc;
  if (wired) npte |= PG_W;
  if (nocache) npte |= PG_N;
  if (va < VM_MAXUSER_ADDRESS) npte |= (flags & PMAP_EFI) !== 0 ? 0n : PG_u;
  else if (va < VM_MAX_ADDRESS) npte |= PG_u | PG_RW; /* XXXCDC: no longer needed? */
  // if (pmap == pmap_kernel()) npte |= pg_g_kern;   (never the kernel pmap here)
  if (crypt) npte |= env.pg_crypt;

  /*
   * If the old entry wasn't valid, we can just update it and
   * go.  If it was valid, and this isn't a read->write
   * transition, then we can safely just update it and flush
   * any old TLB entries.
   *
   * If it _was_ valid and this _is_ a read->write transition,
   * then this could be a CoW resolution and we need to make
   * sure no CPU can see the new writable mapping while another
   * still has the old mapping in its TLB, so insert a correct
   * but unwritable mapping, flush any old TLB entries, then
   * make it writable.
   */
  if (!pmap_valid_entry(opte)) {
    pmap.pm_ptes.set(pl1_key(va), npte); // PTE_BASE[pl1_i(va)] = npte;
  } else if ((opte | (npte ^ PG_RW)) & PG_RW) {
    /* previously writable or not making writable */
    pmap.pm_ptes.set(pl1_key(va), npte);
    // if (nocache && (opte & PG_N) == 0) wbinvd_on_all_cpus();
    // pmap_tlb_shootpage(pmap, va, shootself);
  } else {
    pmap.pm_ptes.set(pl1_key(va), npte ^ PG_RW);
    // if (nocache && (opte & PG_N) == 0) wbinvd_on_all_cpus(); /* XXX impossible? */
    // pmap_tlb_shootpage(pmap, va, shootself); pmap_tlb_shootwait();
    pmap.pm_ptes.set(pl1_key(va), npte);
  }

  // pmap_unmap_ptes(pmap, scr3); pmap_tlb_shootwait();

  error = 0;

  // out:
  if (pve !== null) pool_put_pv(env, pve); // if (pve != NULL) pool_put(&pmap_pv_pool, pve);
  if (opve !== null) pool_put_pv(env, opve); // if (opve != NULL) pool_put(&pmap_pv_pool, opve);

  return error;
}

/** port-only: `pg == PHYS_TO_VM_PAGE(pa)` compares pointers; here both sides describe the same page or are NULL. */
function samePage(a: vm_page | null, b: vm_page | null): boolean {
  return a === null || b === null ? a === b : a.phys_addr === b.phys_addr;
}

/**
 * pmap_extract: extract a PA for the given VA
 */
export function pmap_extract(env: pmap_env, pmap: pmap, va: bigint, pap: Ref<bigint> | null): number {
  // if (pmap == pmap_kernel() && va >= pmap_direct_base && va < pmap_direct_end) { ... }   (not ported)
  // if (pmap != pmap_kernel()) mtx_enter(&pmap->pm_mtx);
  // level = pmap_find_pte_direct(pmap, va, &ptes, &offs);
  // pte = ptes[offs];
  // port: upper levels exist wherever a level-1 PTE was ever entered; where none was, the walk ends early or
  // reads a zero PTE, and both return 0 below. The vmm call sites never enter large pages.
  const pte = pmap.pm_ptes.get(pl1_key(va)) ?? 0n;
  const level = 0;

  if (level === 0 && pmap_valid_entry(pte)) {
    if (pap !== null) pap.value = (pte & env.pg_frame) | (u64(va) & PAGE_MASK); // *pap = (pte & pg_frame) | (va & PAGE_MASK);
    return 1;
  }
  // if (level == 1 && (pte & (PG_PS|PG_V)) == (PG_PS|PG_V)) { ... }   (no large pages)

  return 0;
}
