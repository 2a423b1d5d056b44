// Each op added for the paths no scenario reached, run on the port (posted, proposed) and on the reference.
import { describe, expect, it } from "vitest";
import type { Event } from "../../src/cpu/events";
import { GUEST_BACKING_BASE } from "../../src/cpu/machine";
import { runScenario } from "../../src/cpu/vcpu";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { getVariant } from "../../src/port/variants";
import type { Scenario, Step } from "../../src/scenario/types";
import { referenceFactory } from "../../reference";
import { MMIO_BAR, PLAIN, amdCpu, kinds, scenario } from "../port/fixtures";

const RAM = 0x2000n;
const touch: Step = { op: "access", gpa: RAM, kind: "read", size: 4 };

function eventsOn(impl: string, sc: Scenario): Event[][] {
  const factory = impl === "reference" ? referenceFactory : getVariant(impl).factory;
  // The reference's `rule` events record which rule decided; they observe nothing and are left out here.
  return runScenario(sc, factory).steps.map((s) => s.events.filter((e) => e.kind !== "rule"));
}

function signatures(sc: Scenario, impl: string): string[] {
  return runPair(sc, implementation(impl), implementation("reference")).findings.map((f) => f.signature);
}

const hostTouch = (gpa: bigint, purpose: string, write: boolean) => ({
  kind: "host-access",
  pa: GUEST_BACKING_BASE + gpa,
  memory: "guest-ram",
  write,
  purpose,
});

describe("wallclock", () => {
  const sc = scenario({ guest: PLAIN, steps: [touch, { op: "wallclock", gpa: RAM + 0x40n }] });

  it("the port's vmm_pv_wall_clock reads and writes the wall clock in the mapped guest page", () => {
    expect(eventsOn("proposed", sc)[1]).toEqual([
      hostTouch(RAM + 0x40n, "wallclock", false),
      hostTouch(RAM + 0x40n, "wallclock", true),
      { kind: "resume" },
    ]);
  });

  it("the reference writes it there too (rule wallClockArea), and the two agree", () => {
    expect(eventsOn("reference", sc)[1]).toEqual([hostTouch(RAM + 0x40n, "wallclock", true), { kind: "resume" }]);
    expect(signatures(sc, "proposed")).toEqual(["pte-bits|both|bits:0x400|plain"]);
  });

  it("on a touched MMIO page, the posted patch's entry makes the host write the wall clock elsewhere", () => {
    const mmio = scenario({
      steps: [
        { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
        { op: "wallclock", gpa: MMIO_BAR },
      ],
    });
    expect(kinds(eventsOn("reference", mmio)[1]!)).toEqual(["resume"]);
    expect(kinds(eventsOn("posted", mmio)[1]!)).toContain("host-access");
    expect(kinds(eventsOn("proposed", mmio)[1]!)).toEqual(["resume"]);
  });

  it("a wall clock crossing a page: the port refuses it (the C's XXX), the reference writes both pages", () => {
    const crossing = scenario({
      guest: PLAIN,
      steps: [touch, { ...touch, gpa: RAM + 0x1000n }, { op: "wallclock", gpa: RAM + 0xffcn }],
    });
    expect(kinds(eventsOn("proposed", crossing)[2]!)).toEqual(["resume"]);
    expect(kinds(eventsOn("reference", crossing)[2]!)).toEqual(["host-access", "host-access", "resume"]);
  });
});

describe("vmd-pvclock", () => {
  it("vm_rwvmparams restores the pvclock through vmm_init_pvclock: both write the guest page", () => {
    const sc = scenario({ guest: PLAIN, steps: [touch, { op: "vmd-pvclock", gpa: RAM + 0x20n }] });
    expect(eventsOn("proposed", sc)[1]).toEqual([hostTouch(RAM + 0x20n, "pvclock", true), { kind: "resume" }]);
    expect(eventsOn("reference", sc)[1]).toEqual([hostTouch(RAM + 0x20n, "pvclock", true), { kind: "resume" }]);
  });

  it("is written again before the next guest entry after a handled exit", () => {
    const sc = scenario({
      guest: PLAIN,
      steps: [touch, { op: "vmd-pvclock", gpa: RAM + 0x20n }, { ...touch, gpa: 0x5000n }],
    });
    for (const impl of ["proposed", "reference"]) {
      expect(kinds(eventsOn(impl, sc)[2]!)).toEqual(["npf-exit", "host-access", "resume", "guest-access"]);
    }
  });

  it("in the last 32 bytes of a range: vmm_gpa_is_valid's `<` refuses it, the reference accepts it", () => {
    const sc = scenario({
      guest: PLAIN,
      steps: [
        { ...touch, gpa: 0x9f000n },
        { op: "vmd-pvclock", gpa: 0x9ffe0n },
      ],
    });
    expect(kinds(eventsOn("proposed", sc)[1]!)).toEqual(["resume"]);
    expect(signatures(sc, "proposed")).toContain(
      "guest-memory-mismatch|both|guest-pages|vmd-pvclock|ram|A:nothing|B:pvclock:step-page|plain",
    );
  });
});

describe("ghcb-msr (the GHCB MSR protocol)", () => {
  const msr = (value: bigint) => scenario({ steps: [{ op: "ghcb-msr", gpa: value }] });

  it("answers a CPUID request with a CPUID response carrying the register bits, on both sides", () => {
    const sc = msr((0x8000001fn << 32n) | (2n << 30n) | 0x004n);
    for (const impl of ["posted", "proposed", "reference"]) {
      const last = eventsOn(impl, sc)[0]!.at(-1)!;
      expect(last.kind).toBe("ghcb-msr-response");
      expect(last.kind === "ghcb-msr-response" && last.value & 0xffffffffn).toBe((2n << 30n) | 0x005n);
    }
    expect(signatures(sc, "proposed")).toEqual([]);
  });

  it("stops the VM on a termination request: the port returns 1 to vmd, the reference EINVAL", () => {
    const sc = msr(0x100n);
    expect(eventsOn("proposed", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 1 });
    expect(eventsOn("reference", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 22 });
    expect(signatures(sc, "proposed")).toEqual(["exit-mismatch|both|run-errno|ghcb-msr|terminate|A:1|B:22|sev-es"]);
  });

  it("an unknown request: the port stops the VM, the reference keeps the MSR and resumes (as Linux KVM)", () => {
    const sc = msr(0x012n);
    expect(kinds(eventsOn("proposed", sc)[0]!)).toEqual(["vmgexit", "vm-error"]);
    expect(eventsOn("reference", sc)[0]!.at(-1)).toEqual({ kind: "ghcb-msr-response", value: 0x012n });
  });
});

describe("ghcb with guestWrite", () => {
  it("the guest writes its GHCB through the nested walk first: on untouched RAM the page gets mapped", () => {
    const sc = scenario({ steps: [{ op: "ghcb", gpa: RAM, guestWrite: true }] });
    for (const impl of ["proposed", "reference"]) {
      const shown = kinds(eventsOn(impl, sc)[0]!).filter((k) => k !== "host-access");
      expect(shown).toEqual(["npf-exit", "resume", "guest-access", "vmgexit", "resume"]);
    }
    expect(signatures(sc, "proposed")).toEqual(["pte-bits|both|bits:0x400|sev-es"]);
  });

  it("on a touched MMIO page the write raises #VC and the step ends there (reference, proposed)", () => {
    const sc = scenario({
      steps: [
        { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
        { op: "ghcb", gpa: MMIO_BAR & ~0xfffn, guestWrite: true },
      ],
    });
    expect(kinds(eventsOn("reference", sc)[1]!)).toEqual(["vc"]);
    expect(kinds(eventsOn("proposed", sc)[1]!)).toEqual(["vc"]);
  });
});

describe("host.pvEntries (pmap_pv_pool exhaustion)", () => {
  const withPool = (pvEntries: number, steps: Step[], guest = PLAIN): Scenario => {
    const sc = scenario({ guest, steps });
    sc.host.pvEntries = pvEntries;
    return sc;
  };

  it("one entry: vmd's mapping takes it, svm_fault_page's pmap_enter(…, 0) panics; the reference fails with ENOMEM", () => {
    const sc = withPool(1, [touch]);
    expect(eventsOn("proposed", sc)[0]!.at(-1)).toEqual({
      kind: "host-crash",
      reason: "panic: pmap_enter: no pv entries available",
    });
    expect(eventsOn("reference", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 12 });
    expect(signatures(sc, "proposed")).toContain(
      "host-crash|A|kernel:panic(pmap_enter: no pv entries available)|plain",
    );
  });

  it("none: vmd's own mapping (PMAP_CANFAIL) fails with ENOMEM on both sides", () => {
    const sc = withPool(0, [touch]);
    expect(eventsOn("proposed", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 12 });
    expect(signatures(sc, "proposed")).toEqual([]);
  });

  it("two per page: both map the page and agree", () => {
    expect(signatures(withPool(2, [touch]), "proposed")).toEqual(["pte-bits|both|bits:0x400|plain"]);
  });

  it("entering again an entry that maps the page keeps no new entry: both retry until no progress", () => {
    // PhysAddrSize 1: every frame sets bits the CPU reserves, so the access faults again after each mapping.
    const sc = withPool(3, [touch]);
    sc.host.cpus = [amdCpu({ addrSizes: 0x3001, cbit: 47, red: 1 })];
    for (const impl of ["proposed", "reference"]) expect(eventsOn(impl, sc)[0]!.at(-1)?.kind).toBe("no-progress");
    expect(signatures(sc, "proposed").filter((s) => !s.startsWith("pte-bits"))).toEqual([]);
  });

  it("an empty pool and the MMIO marker entry: pmap_enter(…, 0) panics though the page is not managed", () => {
    const sc = withPool(0, [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }], undefined);
    sc.guest = { sev: true, sevEs: true };
    expect(kinds(eventsOn("posted", sc)[0]!).at(-1)).toBe("host-crash");
    // The series enters the marker with PMAP_CANFAIL: the run fails with ENOMEM instead of panicking the host.
    expect(eventsOn("proposed", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 12 });
    // The reference needs a free entry for the marker too (rule outOfMemoryFails): the two agree.
    expect(eventsOn("reference", sc)[0]!.at(-1)).toEqual({ kind: "vm-error", errno: 12 });
  });
});
