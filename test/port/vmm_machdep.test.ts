import { describe, expect, it } from "vitest";
import { GUEST_BACKING_BASE, HostCrash, VMD_VA_BASE } from "../../src/cpu/machine";
import type { Kernel, Tree } from "../../src/port/kernel";
import { PG_PVLIST, PG_W, PMAP_DIRECT_MAP, PROT_EXEC, PROT_READ, PROT_WRITE, pmap_enter } from "../../src/port/pmap";
import { EAGAIN, EFAULT, EINVAL } from "../../src/port/errno";
import { PSL_T } from "../../src/port/psl";
import { KVM_MSR_SYSTEM_TIME, KVM_MSR_WALL_CLOCK } from "../../src/port/pvreg";
import { EFER_SVME, MSR_CR_PAT, MSR_EFER } from "../../src/port/specialreg";
import { VM_MEM_RAM, type vm_create_params } from "../../src/port/vmm_h";
import {
  SEV_VMGEXIT_MMIO_READ,
  SVM_VMEXIT_CPUID,
  SVM_VMEXIT_HLT,
  SVM_VMEXIT_IOIO,
  SVM_VMEXIT_MSR,
  SVM_VMEXIT_NPF,
  SVM_VMEXIT_VMGEXIT,
  VCPU_INJECT_EX,
  VCPU_INJECT_NONE,
  VEE_BYTES_VALID,
  VEE_FAULT_HANDLED,
  VEE_FAULT_MMIO_ASSIST,
  VMM_EX_DB,
  VMM_EX_GP,
  type vcpu,
} from "../../src/port/vmmvar";
import {
  ghcb_load,
  ghcb_store,
  svm_fault_page,
  svm_handle_exit,
  svm_handle_msr,
  svm_handle_np_fault,
  svm_handle_vmgexit,
  svm_vmgexit_sync_guest,
  svm_vmgexit_sync_host,
  uvm_fault_wire,
  vcpu_init,
  vcpu_run_svm_enter,
  vcpu_run_svm_exit,
  vmm_handle_cpuid,
  vmm_init_pvclock,
  vmm_inject_db,
  vmm_inject_gp,
  vmm_pat_is_valid,
  vmm_pv_wall_clock,
  vmm_update_pvclock,
} from "../../src/port/vmm_machdep";
import { prePatch } from "../../src/port/variants/pre-patch";
import type { GuestConfig, Scenario } from "../../src/scenario/types";
import { kernelFor, kinds, MMIO_BAR, npfExit, PLAIN, scenario, SEV_ES, vmFor } from "./fixtures";

const RWX = PROT_READ | PROT_WRITE | PROT_EXEC;
/** Host frame behind GPA 0 .. 0xa0000 (the first range starts the backing). */
const backing = (gpa: bigint): bigint => GUEST_BACKING_BASE + gpa;

function fx(opts: { guest?: GuestConfig; decodeAssist?: boolean; tree?: Tree } = {}) {
  const sc: Scenario = scenario({ guest: opts.guest ?? SEV_ES, decodeAssist: opts.decodeAssist });
  const { k, machine, events, ub } = kernelFor(sc, opts.tree);
  const { vm, vcpu } = vmFor(sc, machine);
  return { sc, k, machine, events, ub, vm, vcpu };
}

function fault(k: Kernel, vcpu: vcpu, gpa: bigint): void {
  expect(svm_fault_page(k, vcpu, gpa)).toBe(0);
}

/** The guest registers its GHCB at `gpa` (faulted in first) with a CPUID request in it. */
function registerGhcb(f: ReturnType<typeof fx>, gpa = 0x1000n): void {
  fault(f.k, f.vcpu, gpa);
  f.machine.guestGhcb = { gpa, request: { swExitCode: 0x72n, swExitInfo1: 0n, swExitInfo2: 0n, swScratch: 0n } };
  f.vcpu.vc_control.v_ghcb_gpa = gpa;
}

describe("svm_fault_page", () => {
  it("wires vmd's page and maps the GPA's page to its backing frame, RWX and managed", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x1234n);
    expect(f.vm.vm_pmap.pm_ptes.get(0x1000n)).toBe(backing(0x1000n) | PG_PVLIST | 7n);
    expect(f.k.curproc_pmap.pm_ptes.get(VMD_VA_BASE + 0x1000n)! & PG_W).toBe(PG_W);
  });

  it("reuses vmd's existing mapping on a second fault", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x1000n);
    fault(f.k, f.vcpu, 0x1000n);
    expect(f.k.curproc_pmap.pm_stats.resident_count).toBe(1);
    expect(f.vm.vm_pmap.pm_stats.resident_count).toBe(1);
  });

  it("maps a RESERVED range like RAM", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0xa0000n);
    expect(f.vm.vm_pmap.pm_ptes.get(0xa0000n)).toBe(backing(0xa0000n) | PG_PVLIST | 7n);
  });

  it("returns EINVAL for a GPA in no range (vmm_translate_gpa gives 0)", () => {
    const f = fx();
    expect(svm_fault_page(f.k, f.vcpu, 0x20000000n)).toBe(EINVAL);
  });

  it("returns EINVAL for a range vmd placed at address 0 (hva 0 reads as no translation)", () => {
    const f = fx();
    f.vm.vm_memranges[0]!.vmr_va = 0n;
    expect(svm_fault_page(f.k, f.vcpu, 0x0n)).toBe(EINVAL);
  });

  it("returns uvm_fault_wire's EFAULT when nothing backs vmd's address (an MMIO range)", () => {
    const f = fx();
    expect(svm_fault_page(f.k, f.vcpu, MMIO_BAR)).toBe(EFAULT);
    expect(f.vm.vm_pmap.pm_ptes.size).toBe(0);
  });

  it("uvm_fault_wire wires every page of the range or fails at the first unbacked one", () => {
    const f = fx();
    expect(uvm_fault_wire(f.k, f.k.curproc_pmap, VMD_VA_BASE, VMD_VA_BASE + 0x2000n, PROT_READ)).toBe(0);
    expect(f.k.curproc_pmap.pm_ptes.size).toBe(2);
    expect(uvm_fault_wire(f.k, f.k.curproc_pmap, 0x1000n, 0x2000n, PROT_READ)).toBe(EFAULT);
  });
});

describe("svm_handle_np_fault before the patch", () => {
  it("handles a RAM GPA in the kernel: VEE_FAULT_HANDLED, 0, page mapped", () => {
    const f = fx();
    npfExit(f.vcpu, 0x5008n);
    expect(svm_handle_np_fault(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_exit.vee.vee_fault_type).toBe(VEE_FAULT_HANDLED);
    expect(f.vm.vm_pmap.pm_ptes.has(0x5000n)).toBe(true);
  });

  it("sends an MMIO GPA to vmd with the fetched bytes when decode assist is present, SEV-ES or not", () => {
    for (const guest of [SEV_ES, PLAIN]) {
      const f = fx({ guest });
      npfExit(f.vcpu, MMIO_BAR, 0x100000004n, 7);
      expect(svm_handle_np_fault(f.k, f.vcpu)).toBe(EAGAIN);
      expect(f.vcpu.vc_exit.vee).toMatchObject({
        vee_fault_type: VEE_FAULT_MMIO_ASSIST,
        vee_insn_len: 7,
        vee_insn_info: VEE_BYTES_VALID,
      });
      expect(f.vm.vm_pmap.pm_ptes.size).toBe(0);
    }
  });

  it("sends an MMIO GPA to vmd without bytes when there is no decode assist", () => {
    const f = fx({ decodeAssist: false });
    npfExit(f.vcpu, MMIO_BAR);
    expect(svm_handle_np_fault(f.k, f.vcpu)).toBe(EAGAIN);
    expect(f.vcpu.vc_exit.vee).toMatchObject({
      vee_fault_type: VEE_FAULT_MMIO_ASSIST,
      vee_insn_len: 0,
      vee_insn_info: 0,
    });
  });

  it("returns EINVAL for a GPA of unknown type and leaves vee zeroed", () => {
    const f = fx();
    f.vcpu.vc_exit.vee.vee_fault_type = 3;
    npfExit(f.vcpu, 0x20000000n);
    expect(svm_handle_np_fault(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.vcpu.vc_exit.vee.vee_fault_type).toBe(0);
  });

  it("never reads EXITINFO1: a reserved-bit fault code is handled like a not-present one", () => {
    const f = fx();
    npfExit(f.vcpu, 0x5000n, 0x10000000fn);
    expect(svm_handle_np_fault(f.k, f.vcpu)).toBe(0);
  });
});

describe("svm_handle_exit", () => {
  it("dispatches #NPF to the tree's svm_handle_np_fault", () => {
    const seen: number[] = [];
    const tree: Tree = { ...prePatch.tree, svm_handle_np_fault: () => (seen.push(1), 7) };
    const f = fx({ tree });
    npfExit(f.vcpu, 0x1000n);
    expect(svm_handle_exit(f.k, f.vcpu)).toBe(7);
    expect(seen).toEqual([1]);
  });

  it("sets EFER.SVME after handling", () => {
    const f = fx();
    npfExit(f.vcpu, 0x1000n);
    svm_handle_exit(f.k, f.vcpu);
    expect(f.vcpu.vc_control.v_efer & EFER_SVME).toBe(EFER_SVME);
  });

  it("returns EINVAL for an exit code it does not handle", () => {
    const f = fx();
    f.vcpu.vc_gueststate.vg_exit_reason = 0x401;
    expect(svm_handle_exit(f.k, f.vcpu)).toBe(EINVAL);
  });

  it("refuses exit codes whose handlers are not ported", () => {
    const f = fx();
    f.vcpu.vc_gueststate.vg_exit_reason = SVM_VMEXIT_HLT;
    expect(() => svm_handle_exit(f.k, f.vcpu)).toThrow(/not ported/);
  });

  it("advances RIP into the VMCB for CPUID and injects #DB when single-stepping", () => {
    const f = fx();
    f.vcpu.vc_gueststate.vg_exit_reason = SVM_VMEXIT_CPUID;
    f.vcpu.vc_gueststate.vg_rip = 0x100n;
    f.vcpu.vc_gueststate.vg_rflags = PSL_T;
    expect(svm_handle_exit(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_control.v_rip).toBe(0x102n);
    expect(f.vcpu.vc_inject).toMatchObject({ vie_vector: VMM_EX_DB, vie_type: VCPU_INJECT_EX });
  });
});

describe("svm_handle_vmgexit: GHCB registration", () => {
  it("registers a mapped GHCB page as PMAP_DIRECT_MAP of its host frame, then serves the CPUID in it", () => {
    const f = fx();
    registerGhcb(f);
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_svm_ghcb_va).toBe(PMAP_DIRECT_MAP(backing(0x1000n)));
    expect(
      f.events.filter((e) => e.kind === "host-access").map((e) => (e.kind === "host-access" ? [e.pa, e.write] : [])),
    ).toEqual([
      [backing(0x1000n), false],
      [backing(0x1000n), false],
      [backing(0x1000n), true],
    ]);
  });

  it("returns EINVAL when the GHCB page has no nested mapping yet", () => {
    const f = fx();
    f.vcpu.vc_control.v_ghcb_gpa = 0x1000n;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.vcpu.vc_svm_ghcb_va).toBe(0n);
  });

  it("registers any GPA with an NPT entry, whatever its memory type (no type check)", () => {
    const f = fx();
    pmap_enter(f.k.pmap, f.vm.vm_pmap, 0xf0000000n, 0x000fc00000000000n, RWX, 0);
    f.vcpu.vc_control.v_ghcb_gpa = 0xf0000000n;
    expect(() => svm_handle_vmgexit(f.k, f.vcpu)).toThrow(HostCrash);
    expect(f.vcpu.vc_svm_ghcb_va).toBe(PMAP_DIRECT_MAP(0x000fc00000000000n));
  });

  it("declines a second GHCB and keeps reading the first", () => {
    const f = fx();
    registerGhcb(f);
    svm_handle_vmgexit(f.k, f.vcpu);
    fault(f.k, f.vcpu, 0x3000n);
    f.vcpu.vc_control.v_ghcb_gpa = 0x3000n;
    f.events.length = 0;
    svm_handle_vmgexit(f.k, f.vcpu);
    expect(f.events[0]).toMatchObject({ kind: "host-access", pa: backing(0x1000n) });
  });

  it("returns EINVAL for a zero GHCB MSR without a registered GHCB (v_exitcode stays VMGEXIT)", () => {
    const f = fx();
    f.vcpu.vc_control.v_exitcode = BigInt(SVM_VMEXIT_VMGEXIT);
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.events).toEqual([]);
  });

  it("registers the GHCB of a guest without SEV-ES but never reads it, and fails", () => {
    const f = fx({ guest: PLAIN });
    registerGhcb(f);
    f.vcpu.vc_control.v_exitcode = BigInt(SVM_VMEXIT_VMGEXIT);
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.vcpu.vc_svm_ghcb_va).not.toBe(0n);
    expect(kinds(f.events)).not.toContain("host-access");
  });

  it("uses PG_FRAME for the GHCB address: bits above 51 make it an MSR-protocol value", () => {
    const f = fx();
    registerGhcb(f);
    f.vcpu.vc_control.v_ghcb_gpa = (1n << 52n) | 0x1000n;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.vcpu.vc_svm_ghcb_va).toBe(0n);
  });
});

describe("svm_handle_vmgexit: MSR protocol", () => {
  it("returns 1 for a termination request", () => {
    const f = fx();
    f.vcpu.vc_control.v_ghcb_gpa = 0x100n;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(1);
  });

  it("answers a CPUID request in the MSR: result << 32 | CPUID_RESP | the register selector", () => {
    const f = fx();
    f.vcpu.vc_control.v_ghcb_gpa = (0x8000001fn << 32n) | 0xc0000004n;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_control.v_ghcb_gpa).toBe(0xc0000005n);
    f.vcpu.vc_control.v_ghcb_gpa = (0x8000001fn << 32n) | 0x4n;
    svm_handle_vmgexit(f.k, f.vcpu);
    expect(f.vcpu.vc_control.v_ghcb_gpa).toBe((0x8000001fn << 32n) | 0x5n);
  });

  it("returns EINVAL for any other MSR-protocol request", () => {
    const f = fx();
    f.vcpu.vc_control.v_ghcb_gpa = 0x12n;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
  });
});

describe("svm_handle_vmgexit: requests in the GHCB", () => {
  it("refuses an MMIO NAE request with EINVAL after reading the GHCB once", () => {
    const f = fx();
    registerGhcb(f);
    svm_handle_vmgexit(f.k, f.vcpu);
    f.machine.guestGhcb = {
      gpa: 0x1000n,
      request: { swExitCode: BigInt(SEV_VMGEXIT_MMIO_READ), swExitInfo1: MMIO_BAR, swExitInfo2: 4n, swScratch: 0n },
    };
    f.events.length = 0;
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
    expect(kinds(f.events)).toEqual(["host-access"]);
  });

  it("returns EINVAL for a GHCB page that holds no request (empty valid bitmap)", () => {
    const f = fx();
    registerGhcb(f, 0x1000n);
    f.machine.guestGhcb = {
      gpa: 0x5000n,
      request: { swExitCode: 0x72n, swExitInfo1: 0n, swExitInfo2: 0n, swScratch: 0n },
    };
    expect(svm_handle_vmgexit(f.k, f.vcpu)).toBe(EINVAL);
  });

  it("crashes the host when the GHCB's host frame has no memory", () => {
    const f = fx();
    f.vcpu.vc_svm_ghcb_va = PMAP_DIRECT_MAP(0x000fc00000000000n);
    expect(() => svm_vmgexit_sync_host(f.k, f.vcpu)).toThrow(HostCrash);
  });
});

describe("svm_vmgexit_sync_host / svm_vmgexit_sync_guest", () => {
  function withRequest(swExitCode: bigint, swExitInfo1: bigint) {
    const f = fx();
    registerGhcb(f);
    svm_handle_vmgexit(f.k, f.vcpu);
    f.machine.guestGhcb = { gpa: 0x1000n, request: { swExitCode, swExitInfo1, swExitInfo2: 0n, swScratch: 0n } };
    f.events.length = 0;
    return f;
  }

  it("do nothing for a guest without SEV-ES or without a GHCB", () => {
    const f = fx({ guest: PLAIN });
    f.vcpu.vc_svm_ghcb_va = 1n;
    expect(svm_vmgexit_sync_host(f.k, f.vcpu)).toBe(0);
    expect(svm_vmgexit_sync_guest(f.k, f.vcpu)).toBe(0);
    const g = fx();
    expect(svm_vmgexit_sync_host(g.k, g.vcpu)).toBe(0);
    expect(svm_vmgexit_sync_guest(g.k, g.vcpu)).toBe(0);
    expect(f.events.concat(g.events)).toEqual([]);
  });

  it("copy the request's exit code (as uint32 vg_exit_reason) and exit infos into the VMCB", () => {
    const f = withRequest(BigInt(SVM_VMEXIT_MSR), 1n);
    expect(svm_vmgexit_sync_host(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_control.v_exitcode).toBe(BigInt(SVM_VMEXIT_MSR));
    expect(f.vcpu.vc_gueststate.vg_exit_reason).toBe(SVM_VMEXIT_MSR);
    expect(f.vcpu.vc_control.v_exitinfo1).toBe(1n);
  });

  it("accept IOIO and RDMSR requests and refuse other exit codes", () => {
    expect(
      svm_vmgexit_sync_host(withRequest(BigInt(SVM_VMEXIT_IOIO), 1n).k, withRequest(BigInt(SVM_VMEXIT_IOIO), 1n).vcpu),
    ).toBe(0);
    const out = withRequest(BigInt(SVM_VMEXIT_IOIO), 0n);
    expect(svm_vmgexit_sync_host(out.k, out.vcpu)).toBe(0);
    const rd = withRequest(BigInt(SVM_VMEXIT_MSR), 0n);
    expect(svm_vmgexit_sync_host(rd.k, rd.vcpu)).toBe(0);
    const bad = withRequest(0x7fn, 0n);
    expect(svm_vmgexit_sync_host(bad.k, bad.vcpu)).toBe(EINVAL);
  });

  it("sync_guest reads, clears and writes the GHCB, and refuses an exit code it does not know after clearing", () => {
    for (const [code, info1] of [
      [SVM_VMEXIT_CPUID, 0n],
      [SVM_VMEXIT_IOIO, 1n],
      [SVM_VMEXIT_IOIO, 0n],
      [SVM_VMEXIT_MSR, 1n],
      [SVM_VMEXIT_MSR, 0n],
    ] as const) {
      const f = withRequest(BigInt(code), info1);
      expect(svm_vmgexit_sync_guest(f.k, f.vcpu)).toBe(0);
      expect(f.events.map((e) => (e.kind === "host-access" ? e.write : null))).toEqual([false, true]);
    }
    const f = withRequest(0x7fn, 0n);
    expect(svm_vmgexit_sync_guest(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.events.map((e) => (e.kind === "host-access" ? e.write : null))).toEqual([false, true]);
  });

  it("ghcb_load models the valid bitmap of each request kind; ghcb_store writes the page", () => {
    const f = fx();
    f.machine.guestGhcb = null;
    fault(f.k, f.vcpu, 0x1000n);
    const va = PMAP_DIRECT_MAP(backing(0x1000n));
    expect(ghcb_load(f.k, va).valid_bitmap.every((b) => b === 0)).toBe(true);
    f.machine.guestGhcb = {
      gpa: 0x1000n,
      request: { swExitCode: BigInt(SEV_VMGEXIT_MMIO_READ), swExitInfo1: 1n, swExitInfo2: 4n, swScratch: 0n },
    };
    expect(ghcb_load(f.k, va).valid_bitmap[14]).toBe(0x3c);
    ghcb_store(f.k, va);
    expect(f.events.at(-1)).toMatchObject({ kind: "host-access", write: true, purpose: "ghcb" });
  });
});

describe("vmm_handle_cpuid (stub)", () => {
  it("advances RIP by 2 and returns 0", () => {
    const f = fx();
    expect(vmm_handle_cpuid(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_gueststate.vg_rip).toBe(2n);
  });
});

describe("svm_handle_msr (WRMSR)", () => {
  function wrmsr(msr: bigint, val: bigint) {
    const f = fx();
    f.vcpu.vc_control.v_exitinfo1 = 1n;
    f.vcpu.vc_gueststate.vg_rcx = msr;
    f.vcpu.vc_control.v_rax = val & 0xffffffffn;
    f.vcpu.vc_gueststate.vg_rdx = val >> 32n;
    return f;
  }

  it("shadows a valid PAT and injects #GP for an invalid one without advancing RIP", () => {
    const ok = wrmsr(MSR_CR_PAT, 0x0007040600070406n);
    expect(svm_handle_msr(ok.k, ok.vcpu)).toBe(0);
    expect(ok.vcpu.vc_shadow_pat).toBe(0x0007040600070406n);
    expect(ok.vcpu.vc_gueststate.vg_rip).toBe(2n);
    const bad = wrmsr(MSR_CR_PAT, 0x02n);
    expect(svm_handle_msr(bad.k, bad.vcpu)).toBe(0);
    expect(bad.vcpu.vc_inject.vie_vector).toBe(VMM_EX_GP);
    expect(bad.vcpu.vc_gueststate.vg_rip).toBe(0n);
  });

  it("keeps SVME in a written EFER", () => {
    const f = wrmsr(MSR_EFER, 0x500n);
    svm_handle_msr(f.k, f.vcpu);
    expect(f.vcpu.vc_control.v_efer).toBe(0x500n | EFER_SVME);
  });

  it("starts the pvclock for KVM_MSR_SYSTEM_TIME with the 64-bit EDX:EAX value", () => {
    const f = wrmsr(KVM_MSR_SYSTEM_TIME, 0x2001n);
    svm_handle_msr(f.k, f.vcpu);
    expect(f.vcpu.vc_pvclock_system_gpa).toBe(0x2001n);
  });

  it("writes the wall clock for KVM_MSR_WALL_CLOCK and discards unknown MSRs", () => {
    const f = wrmsr(KVM_MSR_WALL_CLOCK, 0x2000n);
    fault(f.k, f.vcpu, 0x2000n);
    svm_handle_msr(f.k, f.vcpu);
    expect(kinds(f.events)).toEqual(["host-access", "host-access"]);
    const g = wrmsr(0x1234n, 1n);
    expect(svm_handle_msr(g.k, g.vcpu)).toBe(0);
    expect(g.vcpu.vc_gueststate.vg_rip).toBe(2n);
  });

  it("does not port RDMSR", () => {
    const f = fx();
    expect(() => svm_handle_msr(f.k, f.vcpu)).toThrow(/RDMSR/);
  });

  it("vmm_pat_is_valid rejects the memory types 2, 3 and above 7 in any byte", () => {
    expect(vmm_pat_is_valid(0x0007040600070406n)).toBe(1);
    expect(vmm_pat_is_valid(0x03n << 56n)).toBe(0);
    expect(vmm_pat_is_valid(0x08n)).toBe(0);
  });
});

describe("pvclock", () => {
  it("vmm_init_pvclock injects #GP for a GPA in no range or a structure crossing the page", () => {
    const f = fx();
    vmm_init_pvclock(f.k, f.vcpu, 0x20000001n);
    expect(f.vcpu.vc_inject.vie_vector).toBe(VMM_EX_GP);
    expect(f.vcpu.vc_pvclock_system_gpa).toBe(0n);
    const g = fx();
    vmm_init_pvclock(g.k, g.vcpu, 0x1ff1n);
    expect(g.vcpu.vc_inject.vie_type).toBe(VCPU_INJECT_EX);
    expect(g.vcpu.vc_pvclock_system_gpa).toBe(0n);
  });

  it("vmm_init_pvclock accepts a structure that ends exactly at the page end (the low 4 bits are dropped)", () => {
    const f = fx();
    vmm_init_pvclock(f.k, f.vcpu, 0x1fe1n);
    expect(f.vcpu.vc_inject.vie_type).toBe(VCPU_INJECT_NONE);
    expect(f.vcpu.vc_pvclock_system_gpa).toBe(0x1fe1n);
  });

  it("vmm_init_pvclock accepts a GPA in an MMIO range (vmm_gpa_is_valid ignores the type)", () => {
    const f = fx();
    vmm_init_pvclock(f.k, f.vcpu, MMIO_BAR | 1n);
    expect(f.vcpu.vc_pvclock_system_gpa).toBe(MMIO_BAR | 1n);
    expect(f.events).toEqual([]);
  });

  it("vmm_update_pvclock writes through the direct map at the mapped frame plus the offset", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x2000n);
    vmm_init_pvclock(f.k, f.vcpu, 0x2041n);
    expect(f.events).toEqual([
      { kind: "host-access", pa: backing(0x2040n), memory: "guest-ram", write: true, purpose: "pvclock" },
    ]);
    expect(f.vcpu.vc_pvclock_version).toBe(1);
  });

  it("vmm_update_pvclock does nothing while disabled and returns EINVAL for an unmapped page", () => {
    const f = fx();
    f.vcpu.vc_pvclock_system_gpa = 0x2000n;
    expect(vmm_update_pvclock(f.k, f.vcpu)).toBe(0);
    f.vcpu.vc_pvclock_system_gpa = 0x2001n;
    expect(vmm_update_pvclock(f.k, f.vcpu)).toBe(EINVAL);
    expect(f.events).toEqual([]);
  });

  it("vmm_update_pvclock crashes the host when the NPT entry holds a frame without memory", () => {
    const f = fx();
    f.vcpu.vc_pvclock_system_gpa = MMIO_BAR | 1n;
    pmap_enter(f.k.pmap, f.vm.vm_pmap, 0xf0000000n, 0x000fc00000000000n, RWX, 0);
    expect(() => vmm_update_pvclock(f.k, f.vcpu)).toThrow(HostCrash);
    expect(f.events[0]).toMatchObject({ kind: "host-access", pa: 0x000fc00000000010n, memory: "none" });
  });

  it("vmm_pv_wall_clock reads then writes a mapped page, and injects #GP otherwise", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x3000n);
    vmm_pv_wall_clock(f.k, f.vcpu, 0x3000n);
    expect(f.events.map((e) => (e.kind === "host-access" ? e.write : null))).toEqual([false, true]);
    expect(f.vcpu.vc_inject.vie_type).toBe(VCPU_INJECT_NONE);
    for (const gpa of [0x20000000n, 0x3ff8n, 0x4000n]) {
      const g = fx();
      vmm_pv_wall_clock(g.k, g.vcpu, gpa);
      expect(g.vcpu.vc_inject.vie_vector).toBe(VMM_EX_GP);
    }
  });
});

describe("vcpu_init / vcpu_init_svm", () => {
  it("copies vcp_sev and vcp_seves and reports the C-bit position and the ASID to vmd", () => {
    const f = fx();
    const vcp: vm_create_params = {
      vcp_nmemranges: 1,
      vcp_memranges: [{ vmr_gpa: 0n, vmr_va: VMD_VA_BASE, vmr_size: 0x1000n, vmr_type: VM_MEM_RAM }],
      vcp_ncpus: 1,
      vcp_sev: 1,
      vcp_seves: 0,
      vcp_poscbit: 0,
      vcp_asid: [],
    };
    f.vcpu.vc_pvclock_system_gpa = 5n;
    expect(vcpu_init(f.k, f.vcpu, vcp)).toBe(0);
    expect(f.vcpu.vc_sev).toBe(1);
    expect(f.vcpu.vc_seves).toBe(0);
    expect(f.vcpu.vc_pvclock_system_gpa).toBe(0n);
    expect(vcp.vcp_poscbit).toBe(51);
    expect(vcp.vcp_asid).toEqual([0]);
  });

  it("vmm_inject_gp and vmm_inject_db set up an exception injection", () => {
    const f = fx();
    expect(vmm_inject_gp(f.vcpu)).toBe(0);
    expect(f.vcpu.vc_inject).toEqual({ vie_vector: VMM_EX_GP, vie_errorcode: 0, vie_type: VCPU_INJECT_EX });
    vmm_inject_db(f.vcpu);
    expect(f.vcpu.vc_inject.vie_vector).toBe(VMM_EX_DB);
  });
});

describe("vcpu_run_svm", () => {
  it("updates the pvclock when it enters the guest and clears the exit data", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x2000n);
    f.vcpu.vc_pvclock_system_gpa = 0x2001n;
    f.vcpu.vc_exit.vee.vee_fault_type = VEE_FAULT_MMIO_ASSIST;
    f.vcpu.vc_gueststate.vg_exit_reason = SVM_VMEXIT_NPF;
    expect(vcpu_run_svm_enter(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_exit.vee.vee_fault_type).toBe(0);
    expect(kinds(f.events)).toEqual(["host-access"]);
  });

  it("handles an exit, records the exit reason as uint32, and updates the pvclock again before resuming", () => {
    const f = fx();
    fault(f.k, f.vcpu, 0x2000n);
    f.vcpu.vc_pvclock_system_gpa = 0x2001n;
    f.vcpu.vc_control.v_exitcode = 0x1_0000_0400n;
    f.vcpu.vc_control.v_exitinfo2 = 0x3000n;
    expect(vcpu_run_svm_exit(f.k, f.vcpu)).toBe(0);
    expect(f.vcpu.vc_gueststate.vg_exit_reason).toBe(SVM_VMEXIT_NPF);
    expect(kinds(f.events)).toEqual(["host-access"]);
  });

  it("returns the handler's error without entering the guest again", () => {
    const f = fx();
    f.vcpu.vc_pvclock_system_gpa = 0x2001n;
    fault(f.k, f.vcpu, 0x2000n);
    f.vcpu.vc_control.v_exitcode = 0x400n;
    f.vcpu.vc_control.v_exitinfo2 = MMIO_BAR;
    expect(vcpu_run_svm_exit(f.k, f.vcpu)).toBe(EAGAIN);
    expect(f.events).toEqual([]);
  });

  it("drops an injected exception at guest entry (it reaches the guest)", () => {
    const f = fx();
    vmm_inject_gp(f.vcpu);
    vcpu_run_svm_enter(f.k, f.vcpu);
    expect(f.vcpu.vc_inject.vie_type).toBe(VCPU_INJECT_NONE);
  });
});
