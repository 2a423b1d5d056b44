import { describe, expect, it } from "vitest";
import type { Event, Outcome } from "../../src/cpu/events";
import {
  SVM_VMEXIT_NPF,
  SVM_VMEXIT_VMGEXIT,
  type Disposition,
  type Hypervisor,
  type HypervisorFactory,
  type VmExit,
} from "../../src/cpu/hypervisor";
import { GHCB_REQUEST_CPUID, GUEST_BACKING_BASE, HostCrash, type GhcbRequest, Machine } from "../../src/cpu/machine";
import { MAX_EXITS_PER_ACCESS, runScenario, SVM_VMGEXIT_MMIO_READ, SVM_VMGEXIT_MMIO_WRITE } from "../../src/cpu/vcpu";
import { NPF_FINAL, NPF_GUEST_PAGE, NPF_RW, NPF_US, PTE_P, PTE_RW, PTE_US } from "../../src/cpu/walk";
import type { Scenario, Step } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, PLAIN, scenario, SEV_ES } from "../port/fixtures";

const FULL = PTE_P | PTE_RW | PTE_US;
/** A reserved bit on EPYC 9124 with encryption active (bits 46..50). */
const RSV_BIT = 1n << 46n;
const RAM = 0x200000n;
const MMIO = 0xf0000010n;

interface Call {
  exit: VmExit;
  cpu: number;
  /** For a VMGEXIT: what the host found in the guest's GHCB page. */
  ghcb?: GhcbRequest;
}

/** A scripted hypervisor: each hook decides the disposition; every exit it sees is recorded. */
class FakeHv implements Hypervisor {
  readonly name = "fake";
  readonly npt = new Map<bigint, bigint>();
  readonly calls: Call[] = [];
  readonly pvclocks: { gpa: bigint; cpu: number }[] = [];
  readonly wallclocks: { gpa: bigint; cpu: number }[] = [];
  readonly vmdPvclocks: bigint[] = [];

  constructor(
    readonly machine: Machine,
    readonly hooks: {
      create?: (hv: FakeHv) => number;
      refusal?: string;
      sevEs?: boolean;
      npf?: (hv: FakeHv, gpa: bigint, errorCode: bigint) => Disposition;
      vmgexit?: (hv: FakeHv, ghcb: GhcbRequest) => Disposition;
      pvclock?: (hv: FakeHv, gpa: bigint) => Disposition;
    },
  ) {}

  createVm(): number {
    return this.hooks.create ? this.hooks.create(this) : 0;
  }

  refusal(): string | null {
    return this.hooks.refusal ?? null;
  }

  vcpuSevEs(): boolean {
    return this.hooks.sevEs ?? false;
  }

  handleExit(exit: VmExit, cpu: number): Disposition {
    if (exit.code === SVM_VMEXIT_NPF) {
      this.calls.push({ exit, cpu });
      return this.hooks.npf ? this.hooks.npf(this, exit.exitinfo2, exit.exitinfo1) : { kind: "resume" };
    }
    const pa = this.machine.backingOf(exit.ghcbMsr) ?? 0n;
    const ghcb = this.machine.readGhcb(pa);
    this.calls.push({ exit, cpu, ghcb });
    return this.hooks.vmgexit ? this.hooks.vmgexit(this, ghcb) : { kind: "resume" };
  }

  wallclock(gpa: bigint, cpu: number): Disposition {
    this.wallclocks.push({ gpa, cpu });
    return { kind: "resume" };
  }

  vmdPvclock(gpa: bigint): Disposition {
    this.vmdPvclocks.push(gpa);
    return { kind: "resume" };
  }

  pvclock(gpa: bigint, cpu: number): Disposition {
    this.pvclocks.push({ gpa, cpu });
    return this.hooks.pvclock ? this.hooks.pvclock(this, gpa) : { kind: "resume" };
  }

  /** Maps the page of `gpa` to the frame backing it (a correct RAM fault handler). */
  mapBacking(gpa: bigint): void {
    const page = gpa & ~0xfffn;
    this.npt.set(page, this.machine.backingOf(page)! | FULL);
  }
}

function run(sc: Scenario, hooks: FakeHv["hooks"]): { outcome: Outcome; hv: FakeHv } {
  let hv: FakeHv | undefined;
  const factory: HypervisorFactory = (machine) => (hv = new FakeHv(machine, hooks));
  const outcome = runScenario(sc, factory);
  return { outcome, hv: hv! };
}

const kinds = (events: readonly Event[]) => events.map((e) => e.kind);
const access = (gpa: bigint, kind: "read" | "write" | "fetch" = "read", extra: Partial<Step> = {}): Step =>
  ({ op: "access", gpa, kind, size: 4, ...extra }) as Step;

describe("an access the nested PTE already maps", () => {
  it("completes without an exit, at the frame the PTE names, classified by the machine", () => {
    const sc = scenario({ steps: [access(RAM + 0x10n, "write")] });
    const { outcome, hv } = run(sc, {
      create: (h) => {
        h.mapBacking(RAM);
        return 0;
      },
    });
    expect(outcome.steps).toEqual([
      {
        events: [{ kind: "guest-access", hpa: GUEST_BACKING_BASE + RAM + 0x10n, memory: "guest-ram", write: true }],
      },
    ]);
    expect(hv.calls).toEqual([]);
  });

  it("reports a fetch or a read as not a write", () => {
    const sc = scenario({ steps: [access(RAM, "fetch"), access(RAM, "read")] });
    const { outcome } = run(sc, { create: (h) => (h.mapBacking(RAM), 0) });
    for (const s of outcome.steps) expect(s.events).toMatchObject([{ kind: "guest-access", write: false }]);
  });
});

describe("#NPF as an automatic exit", () => {
  it("exits to the host with the error code and GPA, resumes, and retries the access", () => {
    const sc = scenario({ steps: [access(RAM + 0x8n, "write")] });
    const { outcome, hv } = run(sc, { npf: (h, gpa) => (h.mapBacking(gpa), { kind: "resume" }) });
    const errorCode = NPF_US | NPF_RW | NPF_FINAL;
    expect(outcome.steps[0]!.events).toEqual([
      { kind: "npf-exit", gpa: RAM + 0x8n, errorCode },
      { kind: "resume" },
      { kind: "guest-access", hpa: GUEST_BACKING_BASE + RAM + 0x8n, memory: "guest-ram", write: true },
    ]);
    expect(hv.calls).toEqual([
      { exit: { code: SVM_VMEXIT_NPF, exitinfo1: errorCode, exitinfo2: RAM + 0x8n, insnLength: 15 }, cpu: 0 },
    ]);
  });

  it("passes 15 decode-assist bytes with decode assists and none without", () => {
    const sc = scenario({ decodeAssist: false, steps: [access(RAM)] });
    const { hv } = run(sc, { npf: (h, gpa) => (h.mapBacking(gpa), { kind: "resume" }) });
    expect(hv.calls[0]!.exit).toMatchObject({ insnLength: 0 });
  });

  it("sets GUEST-PAGE instead of FINAL for the guest's own page-table walk", () => {
    const sc = scenario({ steps: [access(RAM, "read", { walk: true })] });
    const { outcome } = run(sc, { npf: (h, gpa) => (h.mapBacking(gpa), { kind: "resume" }) });
    expect(outcome.steps[0]!.events[0]).toEqual({
      kind: "npf-exit",
      gpa: RAM,
      errorCode: NPF_US | NPF_RW | NPF_GUEST_PAGE,
    });
  });

  it(`gives up after ${MAX_EXITS_PER_ACCESS} exits of one access with no-progress, and goes on with the next step`, () => {
    const sc = scenario({ steps: [access(RAM), access(RAM + 0x1000n)] });
    let faults = 0;
    const { outcome } = run(sc, {
      npf: (h, gpa) => {
        if (gpa === RAM + 0x1000n) h.mapBacking(gpa);
        faults++;
        return { kind: "resume" };
      },
    });
    const first = outcome.steps[0]!.events;
    expect(kinds(first)).toEqual([
      ...Array.from({ length: MAX_EXITS_PER_ACCESS }, () => ["npf-exit", "resume"]).flat(),
      "no-progress",
    ]);
    expect(first.at(-1)).toEqual({ kind: "no-progress", exits: MAX_EXITS_PER_ACCESS });
    expect(kinds(outcome.steps[1]!.events)).toEqual(["npf-exit", "resume", "guest-access"]);
    expect(faults).toBe(MAX_EXITS_PER_ACCESS + 1);
  });

  it("stays an automatic exit for a reserved-bit fault when the vcpu is not SEV-ES", () => {
    const sc = scenario({ guest: PLAIN, steps: [access(MMIO)] });
    const { outcome } = run(sc, {
      sevEs: false,
      npf: (h, gpa) => (h.npt.set(gpa & ~0xfffn, RSV_BIT | FULL), { kind: "resume" }),
    });
    expect(kinds(outcome.steps[0]!.events).slice(0, 4)).toEqual(["npf-exit", "resume", "npf-exit", "resume"]);
  });
});

describe("#VC for SEV-ES", () => {
  const rsvHandler = (h: FakeHv, gpa: bigint): Disposition => (
    h.npt.set(gpa & ~0xfffn, RSV_BIT | FULL),
    { kind: "resume" }
  );

  it("raises #VC with SVM_EXIT_NPF on a reserved-bit fault, without an exit to the host", () => {
    const sc = scenario({ guest: SEV_ES, steps: [access(MMIO)] });
    const { outcome, hv } = run(sc, {
      sevEs: true,
      create: (h) => (h.npt.set(MMIO & ~0xfffn, RSV_BIT | FULL), 0),
    });
    expect(outcome.steps[0]!.events).toEqual([{ kind: "vc", code: SVM_VMEXIT_NPF }]);
    expect(hv.calls).toEqual([]);
  });

  it("takes the first fault (not present) as an exit, and the retry's reserved-bit fault as #VC", () => {
    const sc = scenario({ guest: SEV_ES, steps: [access(MMIO)] });
    const { outcome } = run(sc, { sevEs: true, npf: rsvHandler });
    expect(kinds(outcome.steps[0]!.events)).toEqual(["npf-exit", "resume", "vc"]);
  });

  it("is not raised when the CPU the step runs on has encryption off (the reserved bit is then an address bit)", () => {
    // Matisse with encryption off reserves bits 48..51 only: bit 46 is a plain address bit there.
    const sc = scenario({ cpus: [MATISSE()], memEncrypt: false, guest: SEV_ES, steps: [access(MMIO)] });
    const { outcome } = run(sc, { sevEs: true, npf: rsvHandler });
    expect(kinds(outcome.steps[0]!.events)).toEqual(["npf-exit", "resume", "guest-access"]);
    expect(outcome.steps[0]!.events[2]).toMatchObject({ hpa: RSV_BIT | 0x10n, memory: "none" });
  });

  it("is not raised when the VMCB does not ask for SEV-ES", () => {
    const sc = scenario({ guest: SEV_ES, steps: [access(MMIO)] });
    const { outcome } = run(sc, { sevEs: false, npf: rsvHandler });
    expect(kinds(outcome.steps[0]!.events)).not.toContain("vc");
    expect(outcome.steps[0]!.events.at(-1)).toEqual({ kind: "no-progress", exits: MAX_EXITS_PER_ACCESS });
  });
});

describe("dispositions", () => {
  it("records an exit to vmd and goes on with the next step", () => {
    const sc = scenario({ steps: [access(MMIO), access(RAM)] });
    const { outcome } = run(sc, {
      npf: (h, gpa) =>
        gpa === MMIO
          ? {
              kind: "vmd",
              reason: "mmio-assist",
              gpa,
              insnBytes: true,
              insnLength: 15,
              size: 0n,
              write: false,
              dataGpa: 0n,
            }
          : (h.mapBacking(gpa), { kind: "resume" }),
    });
    expect(outcome.steps[0]!.events).toEqual([
      { kind: "npf-exit", gpa: MMIO, errorCode: NPF_US | NPF_FINAL },
      {
        kind: "vmd-exit",
        reason: "mmio-assist",
        gpa: MMIO,
        insnBytes: true,
        insnLength: 15,
        size: 0n,
        write: false,
        dataGpa: 0n,
      },
    ]);
    expect(outcome.steps).toHaveLength(2);
  });

  it("stops the VM on an error: later steps do not run", () => {
    const sc = scenario({ steps: [access(RAM), access(0x80000000n), access(RAM), access(RAM)] });
    const { outcome } = run(sc, {
      npf: (h, gpa) => (gpa === RAM ? (h.mapBacking(gpa), { kind: "resume" }) : { kind: "error", errno: 14 }),
    });
    expect(outcome.steps).toHaveLength(2);
    expect(outcome.steps[1]!.events.at(-1)).toEqual({ kind: "vm-error", errno: 14 });
  });

  it("records a GHCB error answer and goes on", () => {
    const sc = scenario({ steps: [{ op: "ghcb", gpa: 0x1000n }, access(RAM)] });
    const { outcome } = run(sc, {
      vmgexit: () => ({ kind: "resume-ghcb-error", exitinfo1: 2n, exitinfo2: 6n }),
      npf: (h, gpa) => (h.mapBacking(gpa), { kind: "resume" }),
    });
    expect(kinds(outcome.steps[0]!.events)).toEqual(["vmgexit", "host-access", "ghcb-error"]);
    expect(outcome.steps).toHaveLength(2);
  });
});

describe("host crashes", () => {
  it("record host-crash with the reason and stop the run", () => {
    const sc = scenario({ steps: [access(RAM), { op: "pvclock", gpa: 0x3000n }, access(RAM)] });
    const { outcome } = run(sc, {
      npf: (h, gpa) => (h.mapBacking(gpa), { kind: "resume" }),
      pvclock: (h) => {
        h.machine.directMapAccess(0x000fc00000000000n, true, "pvclock");
        return { kind: "resume" };
      },
    });
    expect(outcome.steps).toHaveLength(2);
    const events = outcome.steps[1]!.events;
    expect(kinds(events)).toEqual(["host-access", "host-crash"]);
    expect(events[1]).toEqual({
      kind: "host-crash",
      reason: "kernel fault: direct-map write of pa 0xfc00000000000",
    });
  });

  it("during VM creation give create -1, the crash in the creation events, and no step", () => {
    const sc = scenario({ steps: [access(RAM)] });
    const { outcome } = run(sc, {
      create: () => {
        throw new HostCrash("panic: test");
      },
    });
    expect(outcome.create).toBe(-1);
    expect(outcome.createEvents).toEqual([{ kind: "host-crash", reason: "panic: test" }]);
    expect(outcome.steps).toEqual([]);
  });

  it("are the only errors the runner catches: anything else is thrown on", () => {
    const sc = scenario({ steps: [access(RAM)] });
    expect(() =>
      run(sc, {
        npf: () => {
          throw new TypeError("bug");
        },
      }),
    ).toThrow(TypeError);
    expect(() =>
      run(sc, {
        create: () => {
          throw new RangeError("bug");
        },
      }),
    ).toThrow(RangeError);
  });
});

describe("VM creation", () => {
  it("runs no step when creation is refused, and keeps the refusal reason", () => {
    const sc = scenario({ steps: [access(RAM)] });
    const { outcome, hv } = run(sc, { create: () => 22, refusal: "no SEV-ES" });
    expect(outcome.create).toBe(22);
    expect(outcome.createReason).toBe("no SEV-ES");
    expect(outcome.steps).toEqual([]);
    expect(hv.calls).toEqual([]);
  });

  it("gives no createReason when creation succeeds", () => {
    const { outcome } = run(scenario({ steps: [] }), { refusal: "unused" });
    expect(outcome.create).toBe(0);
    expect("createReason" in outcome).toBe(false);
    expect(outcome.impl).toBe("fake");
  });

  it("keeps the events of creation apart from the steps'", () => {
    const sc = scenario({ steps: [access(RAM)] });
    const { outcome } = run(sc, {
      create: (h) => {
        h.machine.emit({ kind: "ub", site: "identifycpu", detail: "x" });
        h.mapBacking(RAM);
        return 0;
      },
    });
    expect(kinds(outcome.createEvents)).toEqual(["ub"]);
    expect(kinds(outcome.steps[0]!.events)).toEqual(["guest-access"]);
  });
});

describe("final PTEs", () => {
  it("cover every installed entry and every page a step names, 0 where none is installed, in page order", () => {
    const sc = scenario({
      steps: [access(0x5123n), { op: "pvclock", gpa: 0x3008n }, access(MMIO), access(0x5fffn - 3n)],
    });
    const { outcome } = run(sc, {
      create: (h) => (h.npt.set(0x9000n, 0x77n), 0),
      npf: (h, gpa) =>
        gpa === MMIO
          ? {
              kind: "vmd",
              reason: "mmio-assist",
              gpa,
              insnBytes: false,
              insnLength: 0,
              size: 0n,
              write: false,
              dataGpa: 0n,
            }
          : (h.mapBacking(gpa), { kind: "resume" }),
    });
    expect([...outcome.ptes.keys()]).toEqual([0x3000n, 0x5000n, 0x9000n, MMIO & ~0xfffn]);
    expect(outcome.ptes.get(0x3000n)).toBe(0n);
    expect(outcome.ptes.get(0x5000n)).toBe((GUEST_BACKING_BASE + 0x5000n) | FULL);
    expect(outcome.ptes.get(0x9000n)).toBe(0x77n);
    expect(outcome.ptes.get(MMIO & ~0xfffn)).toBe(0n);
  });

  it("cover the pages of steps that never ran", () => {
    const sc = scenario({ steps: [access(0x80000000n), access(0x7000n)] });
    const { outcome } = run(sc, { npf: () => ({ kind: "error", errno: 14 }) });
    expect(outcome.steps).toHaveLength(1);
    expect([...outcome.ptes.keys()]).toEqual([0x7000n, 0x80000000n]);
  });
});

describe("the GHCB, MMIO NAE and pvclock steps", () => {
  it("ghcb: the guest registers its GHCB holding a CPUID request and exits with VMGEXIT carrying the GPA", () => {
    const sc = scenario({ steps: [{ op: "ghcb", gpa: 0x1000n }] });
    const { outcome, hv } = run(sc, {});
    expect(outcome.steps[0]!.events[0]).toEqual({ kind: "vmgexit", ghcbGpa: 0x1000n });
    expect(kinds(outcome.steps[0]!.events)).toEqual(["vmgexit", "host-access", "resume"]);
    expect(hv.calls).toEqual([
      {
        exit: { code: SVM_VMEXIT_VMGEXIT, ghcbMsr: 0x1000n },
        cpu: 0,
        ghcb: { swExitCode: GHCB_REQUEST_CPUID, swExitInfo1: 0n, swExitInfo2: 0n, swScratch: 0n },
      },
    ]);
    expect(hv.machine.guestGhcb?.gpa).toBe(0x1000n);
  });

  it("mmio-nae: a VMGEXIT on the registered GHCB with SW_EXITCODE MMIO read/write, the GPA and the size", () => {
    const sc = scenario({
      steps: [
        { op: "ghcb", gpa: 0x1000n },
        { op: "mmio-nae", gpa: MMIO, write: false, size: 4 },
        { op: "mmio-nae", gpa: MMIO + 8n, write: true, size: 8, cpu: 1 },
      ],
      cpus: [EPYC_9124(), EPYC_9124()],
    });
    const { outcome, hv } = run(sc, {
      vmgexit: (_h, ghcb) =>
        ghcb.swExitCode === GHCB_REQUEST_CPUID
          ? { kind: "resume" }
          : {
              kind: "vmd",
              reason: "mmio-nae",
              gpa: ghcb.swExitInfo1,
              insnBytes: false,
              insnLength: 0,
              size: ghcb.swExitInfo2,
              write: ghcb.swExitCode === SVM_VMGEXIT_MMIO_WRITE,
              dataGpa: ghcb.swScratch,
            },
    });
    expect(hv.calls.map((c) => c.exit)).toEqual([
      { code: SVM_VMEXIT_VMGEXIT, ghcbMsr: 0x1000n },
      { code: SVM_VMEXIT_VMGEXIT, ghcbMsr: 0x1000n },
      { code: SVM_VMEXIT_VMGEXIT, ghcbMsr: 0x1000n },
    ]);
    // SW_SCRATCH names the shared buffer of the GHCB page (0x1000), as Linux's #VC handler sets it
    expect(hv.calls[1]!.ghcb).toEqual({
      swExitCode: SVM_VMGEXIT_MMIO_READ,
      swExitInfo1: MMIO,
      swExitInfo2: 4n,
      swScratch: 0x1800n,
    });
    expect(hv.calls[2]!.ghcb).toEqual({
      swExitCode: SVM_VMGEXIT_MMIO_WRITE,
      swExitInfo1: MMIO + 8n,
      swExitInfo2: 8n,
      swScratch: 0x1800n,
    });
    expect(hv.calls.map((c) => c.cpu)).toEqual([0, 0, 1]);
    expect(outcome.steps[2]!.events.at(-1)).toEqual({
      kind: "vmd-exit",
      reason: "mmio-nae",
      gpa: MMIO + 8n,
      insnBytes: false,
      insnLength: 0,
      size: 8n,
      write: true,
      dataGpa: 0x1800n,
    });
  });

  it("mmio-nae without a registered GHCB uses GHCB GPA 0", () => {
    const sc = scenario({ steps: [{ op: "mmio-nae", gpa: MMIO, write: false, size: 2 }] });
    const { outcome, hv } = run(sc, {});
    expect(outcome.steps[0]!.events[0]).toEqual({ kind: "vmgexit", ghcbGpa: 0n });
    expect(hv.calls[0]!.ghcb).toEqual({
      swExitCode: SVM_VMGEXIT_MMIO_READ,
      swExitInfo1: MMIO,
      swExitInfo2: 2n,
      swScratch: 0x800n,
    });
  });

  it("pvclock: the host's pvclock update is called with the GPA and CPU, without any VMGEXIT", () => {
    const sc = scenario({ cpus: [EPYC_9124(), EPYC_9124()], steps: [{ op: "pvclock", gpa: 0x2000n, cpu: 1 }] });
    const { outcome, hv } = run(sc, {});
    expect(hv.pvclocks).toEqual([{ gpa: 0x2000n, cpu: 1 }]);
    expect(hv.calls).toEqual([]);
    expect(outcome.steps[0]!.events).toEqual([{ kind: "resume" }]);
  });
});

describe("host CPUs", () => {
  it("runs an access on the CPU the step names, with that CPU's hardware", () => {
    // Bit 43 is reserved on Matisse with encryption active (43..46) but an address bit on EPYC 9124 (46..50 reserved).
    const on = (cpu: number) =>
      run(scenario({ cpus: [EPYC_9124(), MATISSE()], guest: SEV_ES, steps: [access(MMIO, "read", { cpu })] }), {
        sevEs: true,
        npf: (h, gpa) => (h.npt.set(gpa & ~0xfffn, (1n << 43n) | FULL), { kind: "resume" }),
      });
    const matisse = on(1);
    expect(matisse.hv.calls[0]!.cpu).toBe(1);
    expect(kinds(matisse.outcome.steps[0]!.events)).toEqual(["npf-exit", "resume", "vc"]);
    const epyc = on(0);
    expect(epyc.hv.calls[0]!.cpu).toBe(0);
    expect(kinds(epyc.outcome.steps[0]!.events)).toEqual(["npf-exit", "resume", "guest-access"]);
  });

  it("throws for a step on a CPU the host does not have", () => {
    const sc = scenario({ steps: [access(RAM, "read", { cpu: 3 })] });
    expect(() => run(sc, {})).toThrow(/host CPU 3/);
  });
});
