import { describe, expect, it } from "vitest";
import type { Event } from "../../../src/cpu/events";
import { runScenario } from "../../../src/cpu/vcpu";
import { PG_N, PG_PVLIST, PG_WC } from "../../../src/port/pmap";
import { EAGAIN } from "../../../src/port/errno";
import { VEE_FAULT_HANDLED, VEE_FAULT_MMIO_ASSIST } from "../../../src/port/vmmvar";
import { svm_handle_np_fault as prePatchNpf } from "../../../src/port/vmm_machdep";
import { HPA_SHIFT_SITE, identifycpu, posted, svm_handle_np_fault } from "../../../src/port/variants/posted";
import { prePatch } from "../../../src/port/variants/pre-patch";
import type { HostCpu, Scenario } from "../../../src/scenario/types";
import {
  amdCpu,
  EPYC_9124,
  kernelFor,
  kinds,
  MMIO_BAR,
  npfExit,
  PLAIN,
  scenario,
  SEV,
  SEV_ES,
  vmFor,
} from "../fixtures";

function mmioFault(cpu: HostCpu, guest = SEV_ES) {
  const sc = scenario({ cpus: [cpu], guest });
  const { k, machine, events, ub } = kernelFor(sc, posted.tree);
  const { vm, vcpu } = vmFor(sc, machine);
  npfExit(vcpu, MMIO_BAR);
  return { k, vm, vcpu, events, ub, run: () => svm_handle_np_fault(k, vcpu) };
}

const mmioRead = (sc: Scenario): Scenario => ({
  ...sc,
  steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }],
});

describe("the posted variant", () => {
  it("is named posted and carries the patched identifycpu and svm_handle_np_fault", () => {
    expect(posted.name).toBe("posted");
    expect(posted.tree.identifycpu).toBe(identifycpu);
    expect(posted.tree.svm_handle_np_fault).toBe(svm_handle_np_fault);
  });
});

describe("svm_handle_np_fault with the patch: the EPYC 9124 of the thread", () => {
  it("computes hpa 0x000fc00000000000 and enters 0x000fc00000000007 (hpa | PG_RW | PG_V | PG_u) for an MMIO GPA", () => {
    const f = mmioFault(EPYC_9124());
    expect(f.k.g.amd64_phys_addrsz).toBe(52);
    expect(f.k.g.amd64_phys_red).toBe(6);
    expect(f.run()).toBe(0);
    expect(f.vcpu.vc_exit.vee.vee_fault_type).toBe(VEE_FAULT_HANDLED);
    expect(f.vcpu.vc_exit.vee.vee_insn_info).toBe(0);
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0000000n)).toBe(0x000fc00000000007n);
    expect(f.ub).toEqual([]);
  });

  it("uses the same entry for every page of the MMIO range", () => {
    const f = mmioFault(EPYC_9124());
    f.run();
    npfExit(f.vcpu, 0xf0123456n);
    f.run();
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0123000n)).toBe(0x000fc00000000007n);
  });

  it("keeps the old path for guests without SEV-ES", () => {
    for (const guest of [PLAIN, SEV]) {
      const f = mmioFault(EPYC_9124(), guest);
      expect(f.run()).toBe(EAGAIN);
      expect(f.vcpu.vc_exit.vee.vee_fault_type).toBe(VEE_FAULT_MMIO_ASSIST);
      expect(f.vm.vm_pmap.pm_ptes.size).toBe(0);
    }
  });

  it("handles RAM and unknown GPAs as before the patch", () => {
    const f = mmioFault(EPYC_9124());
    npfExit(f.vcpu, 0x5000n);
    expect(f.run()).toBe(0);
    npfExit(f.vcpu, 0x20000000n);
    expect(f.run()).toBe(22);
    const g = mmioFault(EPYC_9124());
    npfExit(g.vcpu, 0x5000n);
    expect(prePatchNpf(g.k, g.vcpu)).toBe(0);
    expect(g.vm.vm_pmap.pm_ptes).toEqual(f.vm.vm_pmap.pm_ptes);
  });
});

describe("svm_handle_np_fault with the patch: other reductions", () => {
  it("maps host frame 0 (managed, PG_PVLIST) when phys_red is 0", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0 }));
    f.run();
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0000000n)).toBe(PG_PVLIST | 7n);
  });

  it("takes hpa 1 as PMAP_NOCACHE when phys_addrsz - phys_red is 0 and phys_red 1", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x3001, cbit: 47, red: 1 }));
    f.run();
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0000000n)).toBe(PG_N | PG_PVLIST | 7n);
  });

  it("takes hpa 2 as PMAP_WC when phys_addrsz - phys_red is 1 and phys_red 1", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x3002, cbit: 47, red: 1 }));
    f.run();
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0000000n)).toBe(PG_WC | PG_PVLIST | 7n);
  });

  it("panics in pmap_enter (KASSERT !(wc && nocache)) when hpa's low bits are 11", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x3002, cbit: 47, red: 2 }));
    expect(f.run).toThrow(/wc && nocache/);
  });

  it("flags undefined behaviour when phys_addrsz < phys_red and shifts by the count masked to 6 bits", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x3005, cbit: 47, red: 6 }));
    expect(f.run()).toBe(0);
    expect(f.ub.map((u) => u.site)).toEqual([HPA_SHIFT_SITE]);
    expect(f.ub[0]!.detail).toMatch(/shift count -1/);
    expect(f.vm.vm_pmap.pm_ptes.get(0xf0000000n)).toBe(0x8000000000000007n);
    expect(f.events).toContainEqual(expect.objectContaining({ kind: "ub", site: HPA_SHIFT_SITE }));
  });

  it("flags undefined behaviour when phys_addrsz - phys_red is 64 or more", () => {
    const f = mmioFault(amdCpu({ addrSizes: 0x30ff, cbit: 51, red: 63 }));
    expect(f.run).toThrow(/wc && nocache/);
    expect(f.ub.map((u) => u.site)).toEqual([HPA_SHIFT_SITE]);
    expect(f.ub[0]!.detail).toMatch(/shift count 192/);
  });
});

describe("an MMIO BAR access of a vmd-like memory map, through the machine", () => {
  const events = (name: "posted" | "pre-patch", sc: Scenario): Event[] => {
    const v = name === "posted" ? posted : prePatch;
    return runScenario(mmioRead(sc), v.factory).steps[0]!.events;
  };

  it("takes the new path for SEV-ES with the patch: #NPF, NPT entry with reserved bits, resume, #VC", () => {
    const out = runScenario(mmioRead(scenario({ guest: SEV_ES })), posted.factory);
    expect(out.create).toBe(0);
    expect(kinds(out.steps[0]!.events)).toEqual(["npf-exit", "resume", "vc"]);
    expect(out.steps[0]!.events[2]).toEqual({ kind: "vc", code: 0x400 });
    expect(out.ptes.get(0xf0000000n)).toBe(0x000fc00000000007n);
  });

  it("takes the old path (vmd exit for MMIO assist) for a plain guest with the patch", () => {
    expect(events("posted", scenario({ guest: PLAIN }))).toEqual([
      { kind: "npf-exit", gpa: MMIO_BAR, errorCode: 0x100000004n },
      {
        kind: "vmd-exit",
        reason: "mmio-assist",
        gpa: MMIO_BAR,
        insnBytes: true,
        insnLength: 15,
        size: 0n,
        write: false,
        dataGpa: 0n,
      },
    ]);
  });

  it("takes the old path for SEV-ES before the patch", () => {
    expect(kinds(events("pre-patch", scenario({ guest: SEV_ES })))).toEqual(["npf-exit", "vmd-exit"]);
  });

  it("reaches host frame 0 from the guest when phys_red is 0", () => {
    const cpu = amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0 });
    const ev = events("posted", scenario({ cpus: [cpu], guest: SEV_ES }));
    expect(ev.at(-1)).toEqual({ kind: "guest-access", hpa: 0x10n, memory: "host-ram", write: false });
  });

  it("records the host crash of the KASSERT in pmap_enter", () => {
    const cpu = amdCpu({ addrSizes: 0x3002, cbit: 47, red: 2 });
    const ev = events("posted", scenario({ cpus: [cpu], guest: SEV_ES }));
    expect(kinds(ev)).toEqual(["npf-exit", "host-crash"]);
  });
});
