import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GUEST_BACKING_BASE, Machine } from "../../../src/cpu/machine";
import { runScenario } from "../../../src/cpu/vcpu";
import { collectingContext } from "../../../src/port/c";
import { PortHypervisor } from "../../../src/port/hypervisor";
import { new_cpu_info } from "../../../src/port/identcpu";
import type { Kernel } from "../../../src/port/kernel";
import { getVariant, variantNames } from "../../../src/port/variants";
import { posted } from "../../../src/port/variants/posted";
import { prePatch } from "../../../src/port/variants/pre-patch";
import {
  GHCB_EXITINFO2_GP,
  MSR_SYS_CFG,
  cpu_pa_rsvd_mask,
  identifycpu,
  proposed,
  svm_handle_np_fault,
  svm_handle_vmgexit,
  svm_vmgexit_sync_host,
  vcpu_init_svm,
  vmm_gpa_is_valid,
} from "../../../src/port/variants/proposed";
import { PMAP_DIRECT_MAP } from "../../../src/port/pmap";
import { EINVAL, EAGAIN } from "../../../src/port/errno";
import {
  SEV_VMGEXIT_MMIO_READ,
  SEV_VMGEXIT_MMIO_WRITE,
  SVM_VMEXIT_VMGEXIT,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  VEI_DIR_IN,
  VEI_DIR_OUT,
} from "../../../src/port/vmmvar";
import { vmm_gpa_is_valid as sharedGpaIsValid } from "../../../src/port/vmm";
import { svm_handle_vmgexit as sharedVmgexit, vcpu_init_svm as sharedInitSvm } from "../../../src/port/vmm_machdep";
import { hostCpusOf } from "../../../reference/hypervisor";
import { sevEsMmioMask } from "../../../reference/create";
import type { HostCpu, Scenario, Step } from "../../../src/scenario/types";
import {
  amdCpu,
  EPYC_9124,
  kernelFor,
  kinds,
  MATISSE,
  MMIO_BAR,
  npfExit,
  PLAIN,
  scenario,
  SEV,
  SEV_ES,
  vmFor,
} from "../fixtures";

const read = (gpa: bigint): Step => ({ op: "access", gpa, kind: "read", size: 4 });
const write = (gpa: bigint): Step => ({ op: "access", gpa, kind: "write", size: 4 });
const backing = (gpa: bigint): bigint => GUEST_BACKING_BASE + gpa;

/** Bits hi..lo. */
const bits = (hi: number, lo: number): bigint => ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);

/** EPYC 9124: PhysAddrSize 52, reduction 6, C-bit 51: bits 50:46 are reserved, 51 is the C-bit. */
const EPYC_9124_MASK = bits(50, 46);
/** Ryzen 3600X: PhysAddrSize 48, reduction 5, C-bit 47: bits 51:48 above MAXPHYADDR, 46:43 reduced, 47 C-bit. */
const MATISSE_MASK = bits(51, 48) | bits(46, 43);

function identified(cpus: HostCpu[], memEncrypt = true) {
  return kernelFor(scenario({ cpus, memEncrypt }), proposed.tree);
}

function created(sc: Scenario): { h: PortHypervisor; ret: number } {
  const h = proposed.factory(new Machine(sc), sc) as PortHypervisor;
  return { h, ret: h.createVm() };
}

function steps(sc: Scenario) {
  return runScenario(sc, proposed.factory).steps;
}

/** Runs `sc` on the proposed variant and keeps its hypervisor for a look at the kernel state afterwards. */
function runKeeping(sc: Scenario) {
  let h: PortHypervisor | null = null;
  const out = runScenario(sc, (m, s) => (h = proposed.factory(m, s) as PortHypervisor));
  return { out, h: h! as PortHypervisor };
}

describe("the proposed variant", () => {
  it("is registered as proposed, after pre-patch and posted", () => {
    expect(variantNames().slice(0, 3)).toEqual(["pre-patch", "posted", "proposed"]);
    expect(getVariant("proposed")).toBe(proposed);
  });

  it("carries its own versions of every function the proposed diff changes", () => {
    expect(proposed.tree).toMatchObject({
      identifycpu,
      svm_handle_np_fault,
      vcpu_init_svm,
      svm_handle_vmgexit,
      vmm_gpa_is_valid,
    });
  });

  it("leaves pre-patch and posted on the shared versions of the functions only it changes", () => {
    for (const v of [prePatch, posted]) {
      expect(v.tree.vcpu_init_svm).toBe(sharedInitSvm);
      expect(v.tree.svm_handle_vmgexit).toBe(sharedVmgexit);
      expect(v.tree.vmm_gpa_is_valid).toBe(sharedGpaIsValid);
    }
  });
});

describe("identifycpu (identcpu.c hunks): the reserved-bit mask and the C-bit hold on every CPU", () => {
  it("reserves bits 50:46 on the thread's EPYC 9124, never the C-bit 51", () => {
    const { k, ub } = identified([EPYC_9124()]);
    expect(k.g.amd64_pa_rsvd_mask).toBe(EPYC_9124_MASK);
    expect(k.g.amd64_pos_cbit).toBe(51);
    expect(k.cpus[0]!.ci_feature_amdspec_eax).toBe(0x3034);
    expect(ub).toEqual([]);
  });

  it("reserves bits 51:48 and the reduced 46:43 on a 48-bit Zen 2, skipping the C-bit 47", () => {
    expect(identified([MATISSE()]).k.g.amd64_pa_rsvd_mask).toBe(MATISSE_MASK);
  });

  it("counts the reduction only with SYSCFG.MemEncryptionModEn set", () => {
    expect(identified([EPYC_9124()], false).k.g.amd64_pa_rsvd_mask).toBe(0n);
    expect(identified([MATISSE()], false).k.g.amd64_pa_rsvd_mask).toBe(bits(51, 48));
  });

  it("has no reserved bit on a 52-bit CPU without PhysAddrReduction", () => {
    const cpu = amdCpu({ addrSizes: 0x3034, cbit: 51, red: 0 });
    expect(identified([cpu]).k.g.amd64_pa_rsvd_mask).toBe(0n);
  });

  it("never reserves the C-bit, also when it is the only bit of the reduction window", () => {
    const cpu = amdCpu({ addrSizes: 0x3030, cbit: 47, red: 1 });
    expect(identified([cpu]).k.g.amd64_pa_rsvd_mask).toBe(bits(51, 48));
  });

  it("caps PhysAddrSize at 52 and stops the reduction at bit 12, without undefined behaviour", () => {
    const { k, ub } = identified([amdCpu({ addrSizes: 0x30ff, cbit: 51, red: 63 })]);
    expect(k.g.amd64_pa_rsvd_mask).toBe(bits(50, 12));
    expect(ub).toEqual([]);
    const tiny = identified([amdCpu({ addrSizes: 0x3005, cbit: 47, red: 6 })]);
    expect(tiny.k.g.amd64_pa_rsvd_mask).toBe(bits(51, 12) & ~(1n << 47n));
    expect(tiny.ub).toEqual([]);
  });

  it("keeps only the bits reserved on every CPU, whatever order the CPUs are identified in", () => {
    for (const cpus of [
      [EPYC_9124(), MATISSE()],
      [MATISSE(), EPYC_9124()],
    ]) {
      expect(identified(cpus).k.g.amd64_pa_rsvd_mask).toBe(EPYC_9124_MASK & MATISSE_MASK);
    }
  });

  it("reports no C-bit when the CPUs disagree on it or one of them lacks leaf 0x8000001F", () => {
    expect(identified([EPYC_9124(), MATISSE()]).k.g.amd64_pos_cbit).toBe(0);
    expect(identified([MATISSE(), amdCpu({ cbit: 47, red: 1 })]).k.g.amd64_pos_cbit).toBe(47);
    const noLeaf = amdCpu({ maxExt: 0x8000001e, cbit: 51, red: 6 });
    for (const cpus of [
      [EPYC_9124(), noLeaf],
      [noLeaf, EPYC_9124()],
    ]) {
      const { k } = identified(cpus);
      expect(k.g.amd64_pos_cbit).toBe(0);
      expect(k.g.amd64_pa_rsvd_mask).toBe(0n);
    }
  });

  it("reads SYSCFG at C001_0010h, through the tree's MSR_SYS_CFG", () => {
    expect(MSR_SYS_CFG).toBe(0xc0010010);
  });

  it("yields bits every CPU faults on (RSV) and the same mask as the reference model, for any AMD host", () => {
    const cpuArb = fc.record({
      addrSizes: fc.integer({ min: 0, max: 255 }),
      cbit: fc.integer({ min: 0, max: 63 }),
      red: fc.integer({ min: 0, max: 63 }),
    });
    fc.assert(
      fc.property(fc.array(cpuArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (specs, memEncrypt) => {
        const cpus = specs.map((c) => amdCpu({ addrSizes: 0x3000 | c.addrSizes, cbit: c.cbit, red: c.red }));
        const sc = scenario({ cpus, memEncrypt });
        const { k, machine, ub } = kernelFor(sc, proposed.tree);
        const mask = k.g.amd64_pa_rsvd_mask ?? 0n;
        expect(ub).toEqual([]);
        for (const hw of machine.hardware) expect(mask & ~hw.reservedMask).toBe(0n);
        expect(mask).toBe(sevEsMmioMask(hostCpusOf(machine)));
      }),
      { numRuns: 300 },
    );
  });

  it("computes one CPU's mask without touching the globals", () => {
    const { k } = identified([EPYC_9124()]);
    expect(cpu_pa_rsvd_mask(k, k.cpus[0]!)).toBe(EPYC_9124_MASK);
  });
});

describe("vcpu_init_svm: SEV-ES needs a bit reserved on every CPU", () => {
  it("refuses an SEV-ES VM when phys_red is 0 on a 52-bit CPU, and keeps SEV and plain guests", () => {
    const cpu = amdCpu({ addrSizes: 0x3034, cbit: 51, red: 0 });
    expect(created(scenario({ cpus: [cpu], guest: SEV_ES })).ret).toBe(EINVAL);
    expect(created(scenario({ cpus: [cpu], guest: SEV })).ret).toBe(0);
    expect(created(scenario({ cpus: [cpu], guest: PLAIN })).ret).toBe(0);
  });

  it("refuses SEV-ES on the EPYC 9124 when memory encryption is off, but not with it on", () => {
    expect(created(scenario({ guest: SEV_ES, memEncrypt: false })).ret).toBe(EINVAL);
    expect(created(scenario({ guest: SEV_ES })).ret).toBe(0);
  });

  it("refuses before anything else of the vcpu is set up: no C-bit handed to vmd", () => {
    const sc = scenario({ cpus: [amdCpu({ addrSizes: 0x3034, cbit: 51, red: 0 })] });
    const { k, machine } = kernelFor(sc, proposed.tree);
    const { vcpu } = vmFor(sc, machine);
    const vcp = {
      vcp_nmemranges: 0,
      vcp_memranges: [],
      vcp_ncpus: 1,
      vcp_sev: 1,
      vcp_seves: 1,
      vcp_poscbit: 0,
      vcp_asid: [],
    };
    expect(vcpu_init_svm(k, vcpu, vcp)).toBe(EINVAL);
    expect(vcp.vcp_poscbit).toBe(0);
  });

  it("makes vmd refuse SEV when the CPUs disagree on the C-bit", () => {
    expect(created(scenario({ cpus: [EPYC_9124(), MATISSE()], guest: SEV })).ret).toBe(EINVAL);
  });
});

describe("svm_handle_np_fault: the MMIO entry of an SEV-ES guest", () => {
  it("enters the mask (bits reserved on every CPU) for an MMIO GPA on the EPYC 9124, and the guest gets #VC", () => {
    const out = runScenario(scenario({ steps: [read(MMIO_BAR), read(MMIO_BAR + 0x1000n)] }), proposed.factory);
    expect(kinds(out.steps[0]!.events)).toEqual(["npf-exit", "resume", "vc"]);
    expect(out.steps[0]!.events[2]).toEqual({ kind: "vc", code: 0x400 });
    expect(out.ptes.get(0xf0000000n)).toBe(EPYC_9124_MASK | 7n);
    expect(out.ptes.get(0xf0001000n)).toBe(EPYC_9124_MASK | 7n);
  });

  it("gives #VC on every CPU of a mixed host, never an access to host memory", () => {
    const sc = scenario({
      cpus: [MATISSE(), amdCpu({ addrSizes: 0x3030, cbit: 47, red: 1 })],
      steps: [read(MMIO_BAR), { ...read(MMIO_BAR), cpu: 1 }, { ...write(MMIO_BAR), cpu: 0 }],
    });
    for (const s of steps(sc)) expect(kinds(s.events).at(-1)).toBe("vc");
  });

  it("handles the fault in the kernel (VEE_FAULT_HANDLED) and keeps vmd's MMIO assist for other guests", () => {
    for (const [guest, type, ret] of [
      [SEV_ES, VEE_FAULT_HANDLED, 0],
      [SEV, VEE_FAULT_MMIO_ASSIST, EAGAIN],
      [PLAIN, VEE_FAULT_MMIO_ASSIST, EAGAIN],
    ] as const) {
      const sc = scenario({ guest });
      const { k, machine } = kernelFor(sc, proposed.tree);
      const { vcpu, vm } = vmFor(sc, machine);
      npfExit(vcpu, MMIO_BAR);
      expect(svm_handle_np_fault(k, vcpu)).toBe(ret);
      expect(vcpu.vc_exit.vee.vee_fault_type).toBe(type);
      expect(vm.vm_pmap.pm_ptes.size).toBe(guest === SEV_ES ? 1 : 0);
    }
  });
});

describe("vmm_gpa_is_valid: MMIO ranges are not memory (pvclock)", () => {
  it("rejects an MMIO GPA the tree before the patch accepts", () => {
    const sc = scenario({});
    const { vcpu } = vmFor(sc, new Machine(sc));
    expect(sharedGpaIsValid(vcpu, MMIO_BAR, 32n)).toBe(1);
    expect(vmm_gpa_is_valid(vcpu, MMIO_BAR, 32n)).toBe(0);
    expect(vmm_gpa_is_valid(vcpu, 0x2000n, 32n)).toBe(1);
  });

  it("refuses a pvclock in an MMIO page the guest touched: no host access, the guest resumes", () => {
    const out = steps(scenario({ steps: [read(MMIO_BAR), { op: "pvclock", gpa: MMIO_BAR }, read(0x2000n)] }));
    expect(kinds(out[1]!.events)).toEqual(["resume"]);
    expect(kinds(out[2]!.events)).not.toContain("host-access");
  });

  it("still writes a pvclock in guest RAM", () => {
    const out = steps(scenario({ steps: [write(0x2000n), { op: "pvclock", gpa: 0x2000n }] }));
    expect(out[1]!.events[0]).toEqual({
      kind: "host-access",
      pa: backing(0x2000n),
      memory: "guest-ram",
      write: true,
      purpose: "pvclock",
    });
  });
});

describe("svm_handle_vmgexit: the GHCB the guest names, and MMIO NAE events", () => {
  const ghcbAt = (gpa: bigint): Step => ({ op: "ghcb", gpa });
  const nae = (gpa: bigint, w = false): Step => ({ op: "mmio-nae", gpa, write: w, size: 4 });

  it("refuses a GHCB in an MMIO page without touching host memory", () => {
    const out = steps(scenario({ steps: [read(MMIO_BAR), ghcbAt(0xf0000000n)] }));
    expect(out[1]!.events).toEqual([
      { kind: "vmgexit", ghcbGpa: 0xf0000000n },
      { kind: "vm-error", errno: EINVAL },
    ]);
  });

  it("reads the GHCB the MSR names at every VMGEXIT, also after the guest moved it", () => {
    const out = steps(scenario({ steps: [write(0x1000n), write(0x3000n), ghcbAt(0x1000n), ghcbAt(0x3000n)] }));
    expect(out[3]!.events.filter((e) => e.kind === "host-access")).toEqual([
      { kind: "host-access", pa: backing(0x3000n), memory: "guest-ram", write: false, purpose: "ghcb" },
      { kind: "host-access", pa: backing(0x3000n), memory: "guest-ram", write: false, purpose: "ghcb" },
      { kind: "host-access", pa: backing(0x3000n), memory: "guest-ram", write: true, purpose: "ghcb" },
    ]);
    expect(out[3]!.events.at(-1)).toEqual({ kind: "resume" });
  });

  it("exits to vmd for an MMIO NAE event at an MMIO GPA, with the access in vc_exit.vem", () => {
    const sc = scenario({ steps: [write(0x1000n), ghcbAt(0x1000n), nae(MMIO_BAR + 8n, true)] });
    const { out, h } = runKeeping(sc);
    expect(out.steps[2]!.events.at(-1)).toEqual({
      kind: "vmd-exit",
      reason: "mmio-nae",
      gpa: MMIO_BAR + 8n,
      insnBytes: false,
      insnLength: 0,
      size: 4n,
      write: true,
      dataGpa: 0x1800n,
    });
    expect(h.state.vcpu!.vc_exit.vem).toMatchObject({ vem_gpa: MMIO_BAR + 8n, vem_size: 4n, vem_dir: VEI_DIR_OUT });
    expect(h.state.vcpu!.vc_gueststate.vg_exit_reason).toBe(SEV_VMGEXIT_MMIO_WRITE);
    expect(h.k.ghcb_stored).toMatchObject({ v_sw_exitinfo1: 0n, v_sw_exitinfo2: 0n });
  });

  it("answers an MMIO NAE event for guest RAM, reserved memory or a gap with #GP in the GHCB, and resumes", () => {
    for (const gpa of [0x5000n, 0xa0000n, 0x20000000n]) {
      const { out, h } = runKeeping(scenario({ steps: [write(0x1000n), ghcbAt(0x1000n), nae(gpa)] }));
      expect(out.steps[2]!.events.at(-1)).toEqual({ kind: "ghcb-error", exitinfo1: 1n, exitinfo2: GHCB_EXITINFO2_GP });
      expect(h.k.ghcb_stored).toMatchObject({ v_sw_exitinfo1: 1n, v_sw_exitinfo2: GHCB_EXITINFO2_GP });
      const on = steps(scenario({ steps: [write(0x1000n), ghcbAt(0x1000n), nae(gpa), read(0x6000n)] }));
      expect(kinds(on[3]!.events).at(-1)).toBe("guest-access");
    }
  });

  it("lets svm_vmgexit_sync_host take MMIO NAE requests (SW_SCRATCH valid) that the tree before refuses", () => {
    const sc = scenario({ steps: [] });
    const { k, machine } = kernelFor(sc, proposed.tree);
    const { vcpu } = vmFor(sc, machine);
    vcpu.vc_svm_ghcb_va = PMAP_DIRECT_MAP(backing(0x1000n));
    machine.guestGhcb = {
      gpa: 0x1000n,
      request: { swExitCode: BigInt(SEV_VMGEXIT_MMIO_READ), swExitInfo1: MMIO_BAR, swExitInfo2: 2n, swScratch: 0n },
    };
    expect(svm_vmgexit_sync_host(k, vcpu)).toBe(0);
    expect(vcpu.vc_control.v_exitinfo1).toBe(MMIO_BAR);
    expect(vcpu.vc_control.v_exitinfo2).toBe(2n);
    expect(vcpu.vc_gueststate.vg_exit_reason).toBe(SEV_VMGEXIT_MMIO_READ);
  });

  it("refuses a GHCB in guest RAM the nested table does not map yet, as before", () => {
    const sc = scenario({ steps: [] });
    const { k, machine } = kernelFor(sc, proposed.tree);
    const { vcpu } = vmFor(sc, machine);
    vcpu.vc_gueststate.vg_exit_reason = SVM_VMEXIT_VMGEXIT;
    vcpu.vc_control.v_ghcb_gpa = 0x1000n;
    expect(svm_handle_vmgexit(k, vcpu)).toBe(EINVAL);
    expect(vcpu.vc_svm_ghcb_va).toBe(0n);
  });

  it("sets the direction of an MMIO read to VEI_DIR_IN", () => {
    const sc = scenario({ steps: [write(0x1000n), ghcbAt(0x1000n), nae(MMIO_BAR)] });
    const { h } = runKeeping(sc);
    expect(h.state.vcpu!.vc_exit.vem.vem_dir).toBe(VEI_DIR_IN);
    expect(h.state.vcpu!.vc_gueststate.vg_exit_reason).toBe(SEV_VMGEXIT_MMIO_READ);
  });
});

describe("the thread's case end to end (EPYC 9124, vmd-like map)", () => {
  it("MMIO read: #NPF once, #VC, MMIO NAE to vmd; the guest never reaches host memory", () => {
    const sc = scenario({
      steps: [
        write(0x1000n),
        { op: "ghcb", gpa: 0x1000n },
        read(MMIO_BAR),
        { op: "mmio-nae", gpa: MMIO_BAR, write: false, size: 4 },
      ],
    });
    const out = steps(sc);
    expect(kinds(out[2]!.events)).toEqual(["npf-exit", "resume", "vc"]);
    expect(out[3]!.events.at(-1)).toMatchObject({ kind: "vmd-exit", reason: "mmio-nae", gpa: MMIO_BAR });
    for (const s of out) {
      for (const e of s.events)
        if (e.kind === "guest-access" || e.kind === "host-access") expect(e.memory).toBe("guest-ram");
    }
  });
});

describe("cpu_pa_rsvd_mask against the C of series/0002-pa-rsvd-mask.diff, compiled with cc -fsanitize=undefined", () => {
  const hasCc = spawnSync("cc", ["--version"], { encoding: "utf8" }).status === 0;

  /** The function as the diff adds it: its `+` lines from "static uint64_t" to the closing brace. */
  function functionFromDiff(): string {
    const lines = readFileSync(
      join(__dirname, "../../../src/port/variants/series/0002-pa-rsvd-mask.diff"),
      "utf8",
    ).split("\n");
    const start = lines.findIndex((l, i) => l === "+static uint64_t" && lines[i + 1]!.startsWith("+cpu_pa_rsvd_mask("));
    const end = lines.findIndex((l, i) => i > start && l === "+}");
    expect(start).toBeGreaterThan(0);
    return lines
      .slice(start, end + 1)
      .map((l) => l.slice(1))
      .join("\n");
  }

  const HARNESS = (fn: string) => String.raw`
#include <stdio.h>
#include <stdint.h>
#define MIN(a,b) (((a)<(b))?(a):(b))
#define MAX(a,b) (((a)>(b))?(a):(b))
#define PAGE_SHIFT 12
#define MSR_SYS_CFG 0xc0010010
#define SYS_CFG_MEMENCMODEN (1ULL << 23)
typedef uint32_t u_int32_t;
struct cpu_info { u_int32_t ci_feature_amdspec_eax, ci_feature_amdsev_ebx; };
int cpu_sev_guestmode;
static uint64_t syscfg_value;
static int rdmsr_safe(unsigned int msr, uint64_t *v) { if (msr != MSR_SYS_CFG) return 1; *v = syscfg_value; return 0; }
${fn}
int main(void) {
	unsigned int eax, ebx, enc;
	struct cpu_info ci;
	while (scanf("%x %x %u", &eax, &ebx, &enc) == 3) {
		ci.ci_feature_amdspec_eax = eax; ci.ci_feature_amdsev_ebx = ebx;
		syscfg_value = enc ? SYS_CFG_MEMENCMODEN : 0;
		printf("%llx\n", (unsigned long long)cpu_pa_rsvd_mask(&ci));
	}
	return 0;
}
`;

  it.skipIf(!hasCc)(
    "agrees bit for bit on every PhysAddrSize, reduction, C-bit and SYSCFG, without UB on either side",
    () => {
      const inputs: [number, number, boolean][] = [];
      for (let size = 0; size < 256; size += size < 64 ? 1 : 37)
        for (let red = 0; red < 64; red++)
          for (const cbit of [0, 11, 12, 30, 43, 46, 47, 48, 51, 52, 63])
            for (const enc of [false, true]) inputs.push([0x3000 | size, (red << 6) | cbit, enc]);
      const dir = mkdtempSync(join(tmpdir(), "pa-rsvd-"));
      try {
        writeFileSync(join(dir, "h.c"), HARNESS(functionFromDiff()));
        const cc = spawnSync(
          "cc",
          ["-O2", "-fsanitize=undefined", "-fno-sanitize-recover=all", "-o", join(dir, "h"), join(dir, "h.c")],
          {
            encoding: "utf8",
          },
        );
        expect(cc.stderr).toBe("");
        const run = spawnSync(join(dir, "h"), [], {
          input: inputs.map(([a, b, e]) => `${a.toString(16)} ${b.toString(16)} ${e ? 1 : 0}`).join("\n") + "\n",
          encoding: "utf8",
          maxBuffer: 1 << 26,
        });
        expect(run.status).toBe(0);
        const want = run.stdout.trim().split("\n");
        expect(want).toHaveLength(inputs.length);
        const { cx, ub } = collectingContext();
        inputs.forEach(([eax, ebx, enc], i) => {
          const ci = new_cpu_info(0);
          ci.ci_feature_amdspec_eax = eax;
          ci.ci_feature_amdsev_ebx = ebx;
          const k = { cx, machine: { syscfgMemEncryptionModEn: () => enc } } as unknown as Kernel;
          expect(cpu_pa_rsvd_mask(k, ci).toString(16), `input ${i}`).toBe(want[i]);
        });
        expect(ub).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
