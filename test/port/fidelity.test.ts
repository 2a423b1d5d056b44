// Fidelity of the port against the C itself: the seed's hpa computation and pmap_enter's PTE expression, compiled
// with the system C compiler, fed the same inputs as the port; results must agree bit for bit where C defines them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostCrash } from "../../src/cpu/machine";
import { collectingContext, u64sub } from "../../src/port/c";
import {
  PMAP_EFI,
  PMAP_NOCRYPT,
  PMAP_TYPE_RVI,
  PMAP_WIRED,
  pmap_bootstrap_env,
  pmap_create,
  pmap_enter,
} from "../../src/port/pmap";
import { HPA_ONE_SHIFT_SITE, HPA_SHIFT_SITE, HPA_SUB_SITE, posted } from "../../src/port/variants/posted";
import { EPYC_9124, kernelFor, MMIO_BAR, npfExit, scenario, vmFor } from "./fixtures";

const hasCc = spawnSync("cc", ["--version"], { encoding: "utf8" }).status === 0;

/** Host RAM of the scenario the port runs in: a page below it is managed (machine.classify(pa) !== "none"). */
const RAM_BYTES = 0x1000000000n;
const RANDOM_INPUTS = 100_000;
const SEED = 0x5eed_f1de;

/*
 * The C under test, as in the sources: the patch's two statements with the int globals and a paddr_t hpa
 * (vmm_machdep.c svm_handle_np_fault), and pmap_enter's computation of npte for a fresh mapping (pmap.c), with
 * pmap.h/pte.h constants and the host's pmap globals (pg_nx = PG_NX, pg_xo = 0, pmap_pg_wc = PG_WC, pg_crypt = 0).
 * A failed KASSERT(!(wc && nocache)) is reported instead of panicking.
 */
const HARNESS = String.raw`
#include <stdio.h>
#include <stdint.h>

typedef unsigned long paddr_t;
typedef unsigned long vaddr_t;
typedef uint64_t pt_entry_t;

#define PAGE_MASK	0xfffUL
#define PMAP_PA_MASK	~((paddr_t)PAGE_MASK)
#define PMAP_NOCACHE	0x1
#define PMAP_WC		0x2
#define PMAP_WIRED	0x00000010
#define PMAP_EFI	0x00000040
#define PMAP_NOCRYPT	0x00000080
#define PG_V		0x0000000000000001UL
#define PG_RO		0x0000000000000000UL
#define PG_RW		0x0000000000000002UL
#define PG_u		0x0000000000000004UL
#define PG_WT		0x0000000000000008UL
#define PG_N		0x0000000000000010UL
#define PG_W		0x0000000000000200UL
#define PG_PVLIST	0x0000000000000400UL
#define PG_NX		0x8000000000000000UL
#define PG_WC		(PG_WT)
#define PROT_READ	0x01
#define PROT_WRITE	0x02
#define PROT_EXEC	0x04
#define VM_MAXUSER_ADDRESS	0x00007f7fffffc000
#define VM_MAX_ADDRESS		0x00007fbfdfeff000
#define RAM_BYTES	${RAM_BYTES}UL

int amd64_phys_addrsz;	/* Physcial address size */
int amd64_phys_red;	/* Physcial address size reduction */

pt_entry_t pg_nx = PG_NX;
pt_entry_t pg_xo = 0;
pt_entry_t pg_crypt = 0;
int pmap_pg_wc = PG_WC;
pt_entry_t protection_codes[8];

static paddr_t __attribute__((noinline))
seed_hpa(void)
{
	paddr_t hpa;

	hpa = (1ULL << amd64_phys_red) - 1;
	hpa <<= (amd64_phys_addrsz - amd64_phys_red);
	return hpa;
}

/* pmap_enter's npte for a PA not mapped before; returns 1 where KASSERT(!(wc && nocache)) fails. */
static int __attribute__((noinline))
enter_npte(vaddr_t va, paddr_t pa, int prot, int flags, int managed, pt_entry_t *out)
{
	pt_entry_t npte;
	int wired = (flags & PMAP_WIRED) != 0;
	int crypt = (flags & PMAP_NOCRYPT) == 0;
	int nocache = (pa & PMAP_NOCACHE) != 0;
	int wc = (pa & PMAP_WC) != 0;

	if (wc && nocache)
		return 1;
	pa &= PMAP_PA_MASK;

	npte = pa | protection_codes[prot] | PG_V;
	if (managed)
		npte |= PG_PVLIST;
	if (wc)
		npte |= pmap_pg_wc;
	if (wired)
		npte |= PG_W;
	if (nocache)
		npte |= PG_N;
	if (va < VM_MAXUSER_ADDRESS)
		npte |= ((flags & PMAP_EFI) ? 0 : PG_u);
	else if (va < VM_MAX_ADDRESS)
		npte |= (PG_u | PG_RW);
	if (crypt)
		npte |= pg_crypt;
	*out = npte;
	return 0;
}

int
main(void)
{
	int addrsz, red, prot, flags, managed, k1, k2;
	unsigned long pa, va;
	paddr_t hpa;
	pt_entry_t n1, n2;

	protection_codes[0] = pg_nx;
	protection_codes[PROT_EXEC] = pg_xo;
	protection_codes[PROT_READ] = PG_RO | pg_nx;
	protection_codes[PROT_READ | PROT_EXEC] = PG_RO;
	protection_codes[PROT_WRITE] = PG_RW | pg_nx;
	protection_codes[PROT_WRITE | PROT_EXEC] = PG_RW;
	protection_codes[PROT_WRITE | PROT_READ] = PG_RW | pg_nx;
	protection_codes[PROT_READ | PROT_WRITE | PROT_EXEC] = PG_RW;

	while (scanf("%d %d %lx %lx %d %d %d", &addrsz, &red, &pa, &va, &prot, &flags, &managed) == 7) {
		amd64_phys_addrsz = addrsz;
		amd64_phys_red = red;
		hpa = seed_hpa();
		n1 = n2 = 0;
		k1 = enter_npte(0xf0000000UL, hpa, PROT_READ | PROT_WRITE | PROT_EXEC, 0,
		    (hpa & PMAP_PA_MASK) < RAM_BYTES, &n1);
		k2 = enter_npte(va, pa, prot, flags, managed, &n2);
		printf("%lx %lx %d %lx %d\n", hpa, n1, k1, n2, k2);
	}
	return 0;
}
`;

interface Input {
  addrsz: number;
  red: number;
  pa: bigint;
  va: bigint;
  prot: number;
  flags: number;
  managed: boolean;
}

interface CResult {
  hpa: bigint;
  npteHpa: bigint;
  kassertHpa: boolean;
  nptePa: bigint;
  kassertPa: boolean;
}

/** mulberry32: a small deterministic generator of 32-bit values. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const PA_BOUNDARIES: bigint[] = [
  0n,
  1n,
  2n,
  3n,
  0xfffn,
  0x1000n,
  0x1001n,
  0x1002n,
  0x1003n,
  0x10000000n,
  RAM_BYTES - 0x1000n,
  RAM_BYTES,
  1n << 46n,
  0x000fc00000000000n,
  (1n << 51n) | 1n,
  (1n << 52n) - 0x1000n,
  1n << 52n,
  1n << 63n,
  (1n << 64n) - 1n,
];
const VA_BOUNDARIES: bigint[] = [
  0n,
  0xf0000000n,
  0x00007f7fffffb000n,
  0x00007f7fffffc000n,
  0x00007fbfdfefe000n,
  0x00007fbfdfeff000n,
  0xffff800000000000n,
];
const FLAGS = [0, PMAP_WIRED, PMAP_EFI, PMAP_NOCRYPT, PMAP_WIRED | PMAP_EFI];

function inputs(): Input[] {
  const out: Input[] = [];
  // every (phys_addrsz, phys_red) pair, so every shift-count boundary, with boundary PAs and VAs
  let i = 0;
  for (let addrsz = 0; addrsz <= 255; addrsz++)
    for (let red = 0; red <= 63; red++, i++)
      out.push({
        addrsz,
        red,
        pa: PA_BOUNDARIES[i % PA_BOUNDARIES.length]!,
        va: VA_BOUNDARIES[i % VA_BOUNDARIES.length]!,
        prot: i % 8,
        flags: FLAGS[i % FLAGS.length]!,
        managed: i % 2 === 0,
      });
  // random inputs; a PA either uniform in 64 bits or a few set bits (so the low flag bits and bit 51..52 matter)
  const next = mulberry32(SEED);
  const u64 = (): bigint => (BigInt(next()) << 32n) | BigInt(next());
  for (let n = 0; n < RANDOM_INPUTS; n++) {
    let pa: bigint;
    if (next() % 2 === 0) pa = u64();
    else {
      pa = 0n;
      const bits = 1 + (next() % 4);
      for (let b = 0; b < bits; b++) pa |= 1n << BigInt(next() % 64);
    }
    out.push({
      addrsz: next() % 256,
      red: next() % 64,
      pa,
      va: next() % 4 === 0 ? VA_BOUNDARIES[next() % VA_BOUNDARIES.length]! : u64() & 0x00007ffffffff000n,
      prot: next() % 8,
      flags: FLAGS[next() % FLAGS.length]!,
      managed: next() % 2 === 0,
    });
  }
  return out;
}

let dir = "";
let harness = "";

function runC(list: Input[]): CResult[] {
  const stdin = list
    .map(
      (x) => `${x.addrsz} ${x.red} ${x.pa.toString(16)} ${x.va.toString(16)} ${x.prot} ${x.flags} ${x.managed ? 1 : 0}`,
    )
    .join("\n");
  const r = spawnSync(harness, [], { input: stdin + "\n", encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  return lines.map((line) => {
    const [hpa, n1, k1, n2, k2] = line.split(" ");
    return {
      hpa: BigInt(`0x${hpa}`),
      npteHpa: BigInt(`0x${n1}`),
      kassertHpa: k1 === "1",
      nptePa: BigInt(`0x${n2}`),
      kassertPa: k2 === "1",
    };
  });
}

/** The C shift count, and whether C leaves the computation undefined (§6.5.7 ¶3). */
function shiftIsUndefined(x: Input): boolean {
  const count = x.addrsz - x.red;
  return count < 0 || count >= 64;
}

describe("fidelity against the C compiled with the system cc", () => {
  beforeAll(() => {
    if (!hasCc) return;
    dir = mkdtempSync(join(tmpdir(), "vmm-difffuzz-fidelity-"));
    writeFileSync(join(dir, "harness.c"), HARNESS);
    harness = join(dir, "harness");
    const cc = spawnSync("cc", ["-O2", "-std=c11", "-Wall", "-o", harness, join(dir, "harness.c")], {
      encoding: "utf8",
    });
    if (cc.status !== 0) throw new Error(`cc failed: ${cc.stderr}`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasCc)("has a C compiler (otherwise these tests are skipped: no `cc` on PATH)", () => {
    expect(hasCc).toBe(true);
  });

  it.skipIf(!hasCc)(
    `agrees on hpa and the NPT entry of the patched svm_handle_np_fault for every (phys_addrsz, phys_red) and ${RANDOM_INPUTS} random inputs`,
    () => {
      const list = inputs();
      const c = runC(list);
      expect(c).toHaveLength(list.length);

      // the port's svm_handle_np_fault, with the posted tree, in one SEV-ES VM on a host with RAM_BYTES of RAM
      const sc = scenario({ cpus: [EPYC_9124()], ramBytes: RAM_BYTES });
      const { k, machine, ub } = kernelFor(sc, posted.tree);
      const { vm, vcpu } = vmFor(sc, machine);
      const expr = collectingContext();
      let undefinedInputs = 0;

      list.forEach((x, i) => {
        const want = c[i]!;
        // the patch's statements with c.ts, as posted.ts writes them
        expr.ub.length = 0;
        let hpa = u64sub(expr.cx.u64shl(1n, x.red, HPA_ONE_SHIFT_SITE), 1n);
        hpa = expr.cx.u64shl(hpa, expr.cx.intsub(x.addrsz, x.red, HPA_SUB_SITE), HPA_SHIFT_SITE);

        // the whole patched function
        k.g.amd64_phys_addrsz = x.addrsz;
        k.g.amd64_phys_red = x.red;
        vm.vm_pmap.pm_ptes.clear();
        ub.length = 0;
        machine.events = [];
        npfExit(vcpu, MMIO_BAR);
        let crashed = false;
        try {
          expect(posted.tree.svm_handle_np_fault(k, vcpu)).toBe(0);
        } catch (e) {
          if (!(e instanceof HostCrash)) throw e;
          crashed = true;
        }

        const where = `input ${i}: ${JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))}`;
        if (shiftIsUndefined(x)) {
          undefinedInputs++;
          expect(
            ub.map((u) => u.site),
            where,
          ).toEqual([HPA_SHIFT_SITE]);
          expect(
            expr.ub.map((u) => u.site),
            where,
          ).toEqual([HPA_SHIFT_SITE]);
          return;
        }
        expect(ub, where).toEqual([]);
        expect(expr.ub, where).toEqual([]);
        expect(hpa, where).toBe(want.hpa);
        expect(crashed, where).toBe(want.kassertHpa);
        if (!crashed) expect(vm.vm_pmap.pm_ptes.get(0xf0000000n), where).toBe(want.npteHpa);
      });
      expect(undefinedInputs).toBeGreaterThan(0);
      expect(undefinedInputs).toBeLessThan(list.length);
    },
    // 100,000 inputs through the port take 30 to 60 s on two loaded cores: more than the default limit.
    180_000,
  );

  it.skipIf(!hasCc)(
    "agrees on pmap_enter's PTE for any pa, prot, flags and va, bit for bit",
    () => {
      const list = inputs();
      const c = runC(list);
      list.forEach((x, i) => {
        const want = c[i]!;
        const env = pmap_bootstrap_env(collectingContext().cx, () => x.managed);
        const pm = pmap_create();
        pm.pm_type = PMAP_TYPE_RVI;
        const where = `input ${i}: pa 0x${x.pa.toString(16)} va 0x${x.va.toString(16)} prot ${x.prot} flags ${x.flags}`;
        let crashed = false;
        try {
          expect(pmap_enter(env, pm, x.va, x.pa, x.prot, x.flags)).toBe(0);
        } catch (e) {
          if (!(e instanceof HostCrash)) throw e;
          crashed = true;
        }
        expect(crashed, where).toBe(want.kassertPa);
        if (!crashed) expect([...pm.pm_ptes.values()], where).toEqual([want.nptePa]);
      });
    },
    180_000,
  );
});
