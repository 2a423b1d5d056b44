import { describe, expect, it } from "vitest";
import type { Event } from "../../src/cpu/events";
import { GUEST_BACKING_BASE, Machine } from "../../src/cpu/machine";
import { runScenario } from "../../src/cpu/vcpu";
import { PortHypervisor } from "../../src/port/hypervisor";
import { EINVAL } from "../../src/port/errno";
import { posted } from "../../src/port/variants/posted";
import { prePatch } from "../../src/port/variants/pre-patch";
import type { Scenario, Step } from "../../src/scenario/types";
import { amdCpu, EPYC_9124, kinds, MMIO_BAR, PLAIN, scenario, SEV, SEV_ES } from "./fixtures";

const read = (gpa: bigint): Step => ({ op: "access", gpa, kind: "read", size: 4 });
const write = (gpa: bigint): Step => ({ op: "access", gpa, kind: "write", size: 4 });
const backing = (gpa: bigint): bigint => GUEST_BACKING_BASE + gpa;

function hv(sc: Scenario, v = posted): PortHypervisor {
  return v.factory(new Machine(sc), sc) as PortHypervisor;
}

function stepKinds(sc: Scenario, v = posted): string[][] {
  return runScenario(sc, v.factory).steps.map((s) => kinds(s.events));
}

describe("createVm", () => {
  it("identifies every CPU, creates the VM and returns 0 for an SEV-ES guest on EPYC 9124", () => {
    const h = hv(scenario({}));
    expect(h.createVm()).toBe(0);
    expect(h.k.cpus).toHaveLength(1);
    expect(h.k.cpus[0]!.ci_vmm_cap.vcc_svm.svm_decode_assist).toBe(1);
    expect(h.vcpuSevEs(0)).toBe(true);
    expect(h.state.vm!.vm_memranges[3]).toMatchObject({ vmr_gpa: 0xf0000000n, vmr_type: 2 });
  });

  it("has an empty NPT before the VM exists and reports no SEV-ES", () => {
    const h = hv(scenario({}));
    expect(h.npt.size).toBe(0);
    expect(h.vcpuSevEs(0)).toBe(false);
  });

  it("fails with EINVAL when the ranges carry no memory (memsize 0)", () => {
    const h = hv(scenario({ memory: [{ gpa: 0xf0000000n, size: 0x1000n, type: "mmio" }] }));
    expect(h.createVm()).toBe(EINVAL);
    expect(h.vcpuSevEs(0)).toBe(false);
  });

  it("fails (vmd) for an SEV guest when the kernel reports C-bit position 0", () => {
    const cpu = amdCpu({ cbit: 0, red: 6, addrSizes: 0x3034 });
    expect(hv(scenario({ cpus: [cpu], guest: SEV })).createVm()).toBe(EINVAL);
    expect(hv(scenario({ cpus: [cpu], guest: PLAIN })).createVm()).toBe(0);
  });

  it("fails (vmd) when the PSP refuses LAUNCH_START: memory encryption off, or SEV-ES not supported", () => {
    expect(hv(scenario({ memEncrypt: false })).createVm()).toBe(EINVAL);
    const noEs = amdCpu({ cbit: 51, red: 6, sevEax: 0x3 });
    expect(hv(scenario({ cpus: [noEs], guest: SEV_ES })).createVm()).toBe(EINVAL);
    expect(hv(scenario({ cpus: [noEs], guest: SEV })).createVm()).toBe(0);
  });

  it("runs SEV-ES without SEV as vmm would: vc_seves set, no C-bit check and no PSP launch", () => {
    const h = hv(scenario({ guest: { sev: false, sevEs: true }, memEncrypt: false }));
    expect(h.createVm()).toBe(0);
    expect(h.vcpuSevEs(0)).toBe(true);
  });

  it("takes the globals of the last CPU identified", () => {
    const h = hv(scenario({ cpus: [EPYC_9124(), amdCpu({ cbit: 47, red: 1, addrSizes: 0x3030 })] }));
    h.createVm();
    expect(h.k.g.amd64_phys_red).toBe(1);
  });
});

describe("handleExit: the vcpu_run_svm return contract", () => {
  it("resumes after a handled RAM fault", () => {
    expect(stepKinds(scenario({ steps: [write(0x1000n)] }))).toEqual([["npf-exit", "resume", "guest-access"]]);
  });

  it("exits to vmd for MMIO assist, with the fault GPA and whether instruction bytes came with it", () => {
    const out = runScenario(scenario({ guest: PLAIN, decodeAssist: false, steps: [read(MMIO_BAR)] }), posted.factory);
    expect(out.steps[0]!.events[1]).toEqual({
      kind: "vmd-exit",
      reason: "mmio-assist",
      gpa: MMIO_BAR,
      insnBytes: false,
      insnLength: 0,
      size: 0n,
      write: false,
      dataGpa: 0n,
    });
  });

  it("returns EINVAL to vmd for a fault outside every range: the VM stops", () => {
    const out = runScenario(scenario({ steps: [read(0x20000000n), read(0x1000n)] }), posted.factory);
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0]!.events.at(-1)).toEqual({ kind: "vm-error", errno: EINVAL });
  });

  it("stops the VM on an MMIO NAE request (svm_vmgexit_sync_host refuses it) before and after the patch", () => {
    const steps: Step[] = [
      write(0x1000n),
      { op: "ghcb", gpa: 0x1000n },
      { op: "mmio-nae", gpa: MMIO_BAR, write: false, size: 4 },
    ];
    for (const v of [prePatch, posted]) {
      const out = runScenario(scenario({ steps }), v.factory);
      expect(kinds(out.steps[1]!.events)).toEqual(["vmgexit", "host-access", "host-access", "host-access", "resume"]);
      expect(out.steps[2]!.events.at(-1)).toEqual({ kind: "vm-error", errno: EINVAL });
    }
  });
});

describe("pvclock", () => {
  it("writes the clock twice: in vmm_init_pvclock and again at the next guest entry", () => {
    const out = runScenario(scenario({ steps: [write(0x2000n), { op: "pvclock", gpa: 0x2000n }] }), posted.factory);
    const ev = out.steps[1]!.events;
    expect(ev).toEqual([
      { kind: "host-access", pa: backing(0x2000n), memory: "guest-ram", write: true, purpose: "pvclock" },
      { kind: "host-access", pa: backing(0x2000n), memory: "guest-ram", write: true, purpose: "pvclock" },
      { kind: "resume" },
    ]);
  });

  it("does not write a clock page the nested table does not map yet", () => {
    expect(stepKinds(scenario({ steps: [{ op: "pvclock", gpa: 0x2000n }] }))).toEqual([["resume"]]);
  });

  it("updates the clock at every later guest entry, also after vmd handled an exit", () => {
    const steps: Step[] = [write(0x2000n), { op: "pvclock", gpa: 0x2000n }, read(MMIO_BAR), read(0x3000n)];
    const ev = runScenario(scenario({ guest: PLAIN, steps }), posted.factory).steps;
    expect(kinds(ev[2]!.events)).toEqual(["npf-exit", "vmd-exit"]);
    expect(kinds(ev[3]!.events)).toEqual(["npf-exit", "host-access", "host-access", "resume", "guest-access"]);
  });

  it("with the patch, crashes the host when the clock lies in an MMIO page an SEV-ES guest then touches", () => {
    const steps: Step[] = [{ op: "pvclock", gpa: MMIO_BAR }, read(MMIO_BAR)];
    const after = runScenario(scenario({ steps }), posted.factory).steps;
    const ev: Event[] = after[1]!.events;
    expect(kinds(ev)).toEqual(["npf-exit", "host-access", "host-crash"]);
    expect(ev[1]).toEqual({
      kind: "host-access",
      pa: 0x000fc00000000010n,
      memory: "none",
      write: true,
      purpose: "pvclock",
    });
    expect(ev[2]).toMatchObject({ kind: "host-crash", reason: expect.stringContaining("0xfc00000000010") });
    const before = runScenario(scenario({ steps }), prePatch.factory).steps;
    expect(kinds(before[1]!.events)).toEqual(["npf-exit", "vmd-exit"]);
  });
});

describe("GHCB", () => {
  it("with the patch, crashes the host when an SEV-ES guest registers its GHCB in an MMIO page it touched", () => {
    const steps: Step[] = [read(MMIO_BAR), { op: "ghcb", gpa: 0xf0000000n }];
    const out = runScenario(scenario({ steps }), posted.factory).steps;
    expect(kinds(out[1]!.events)).toEqual(["vmgexit", "host-access", "host-crash"]);
    const before = runScenario(scenario({ steps }), prePatch.factory).steps;
    expect(before[1]!.events.at(-1)).toEqual({ kind: "vm-error", errno: EINVAL });
  });
});

describe("undefined behaviour", () => {
  it("is recorded in the step whose exit ran the shift", () => {
    const cpu = amdCpu({ addrSizes: 0x3005, cbit: 47, red: 6 });
    const out = runScenario(scenario({ cpus: [cpu], steps: [read(MMIO_BAR)] }), posted.factory);
    expect(out.createEvents).toEqual([]);
    expect(out.steps[0]!.events[1]).toMatchObject({ kind: "ub" });
  });

  it("is not shared between runs", () => {
    const cpu = amdCpu({ addrSizes: 0x3005, cbit: 47, red: 6 });
    runScenario(scenario({ cpus: [cpu], steps: [read(MMIO_BAR)] }), posted.factory);
    const clean = runScenario(scenario({ steps: [read(MMIO_BAR)] }), posted.factory);
    expect(kinds(clean.steps[0]!.events)).not.toContain("ub");
  });
});

describe("determinism", () => {
  it("gives the same outcome for the same scenario", () => {
    const sc = scenario({
      steps: [write(0x1000n), { op: "ghcb", gpa: 0x1000n }, { op: "pvclock", gpa: 0x1000n }, read(MMIO_BAR)],
    });
    expect(runScenario(sc, posted.factory)).toEqual(runScenario(sc, posted.factory));
  });
});
