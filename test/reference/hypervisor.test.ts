import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskOf } from "../../reference/bits";
import { EINVAL } from "../../reference/errno";
import { ReferenceHypervisor, hostCpusOf, referenceFactory } from "../../reference/hypervisor";
import type { Event } from "../../src/cpu/events";
import { GUEST_BACKING_BASE, Machine } from "../../src/cpu/machine";
import { runScenario } from "../../src/cpu/vcpu";
import type { HostCpu, Step } from "../../src/scenario/types";
import {
  EPYC_9124,
  MATISSE,
  MMIO,
  NO_CBIT,
  NO_REDUCTION_52,
  SEV_ONLY,
  VMD_MAP,
  amdCpu,
  scenario,
  view,
} from "./fixtures";

const READ_FINAL = (1n << 32n) | 4n; // #NPF EXITINFO1: U/S and final-translation bits, a read
const MMIO_GPA = 0xf0000010n;
const read = (gpa: bigint, cpu?: number): Step => ({ op: "access", gpa, kind: "read", size: 4, cpu });
const write = (gpa: bigint): Step => ({ op: "access", gpa, kind: "write", size: 4 });
/** Host frame behind low RAM (the first range) at `gpa`. */
const lowRam = (gpa: bigint) => GUEST_BACKING_BASE + gpa;

/** A 52-bit CPU with C-bit 51 and reduction 4: bits 50..48 reserved. */
const REDUCTION_4 = amdCpu({
  0x80000000: { eax: 0x80000021 },
  0x80000008: { eax: 0x00003034 },
  0x8000001f: { eax: 0x0001000f, ebx: 51 | (4 << 6), ecx: 1006, edx: 1 },
});

/** Each step's events without the rule records (they say why, not what happened). */
function eventsOf(s: ReturnType<typeof scenario>): Event[][] {
  return runScenario(s, referenceFactory).steps.map((st) => st.events.filter((e) => e.kind !== "rule"));
}

/** The rules the reference recorded at VM creation and at each step. */
function rulesOf(s: ReturnType<typeof scenario>): { create: string[]; steps: string[][] } {
  const names = (events: readonly Event[]) => events.flatMap((e) => (e.kind === "rule" ? [e.rule] : []));
  const out = runScenario(s, referenceFactory);
  return { create: names(out.createEvents), steps: out.steps.map((st) => names(st.events)) };
}

describe("reference hypervisor: VM creation", () => {
  it("is named reference", () => {
    expect(runScenario(scenario({ guest: "plain" }), referenceFactory).impl).toBe("reference");
  });

  it("creates an SEV-ES guest on the EPYC 9124", () => {
    expect(runScenario(scenario({}), referenceFactory).create).toBe(0);
  });

  it("refuses SEV-ES on a 52-bit CPU without PhysAddrReduction, and runs no step", () => {
    const out = runScenario(scenario({ cpus: [NO_REDUCTION_52], steps: [read(MMIO_GPA)] }), referenceFactory);
    expect(out.create).toBe(EINVAL);
    expect(out.steps).toEqual([]);
  });

  it("creates an SEV guest on that same CPU: SEV without ES needs no reserved bit", () => {
    expect(runScenario(scenario({ cpus: [NO_REDUCTION_52], guest: "sev" }), referenceFactory).create).toBe(0);
  });

  it("refuses SEV when the BIOS left memory encryption off (the PSP does not launch)", () => {
    expect(runScenario(scenario({ memEncrypt: false, guest: "sev" }), referenceFactory).create).toBe(EINVAL);
  });

  it("refuses SEV-ES on a CPU without SEV-ES (the PSP does not launch)", () => {
    expect(runScenario(scenario({ cpus: [SEV_ONLY] }), referenceFactory).create).toBe(EINVAL);
  });

  it("refuses SEV when no C-bit is reported", () => {
    expect(runScenario(scenario({ cpus: [NO_CBIT], guest: "sev" }), referenceFactory).create).toBe(EINVAL);
  });

  it("refuses SEV when the host CPUs report different C-bits", () => {
    expect(runScenario(scenario({ cpus: [EPYC_9124, MATISSE], guest: "sev" }), referenceFactory).create).toBe(EINVAL);
  });

  it("refuses an invalid memory map for a plain guest", () => {
    expect(runScenario(scenario({ guest: "plain", memory: [MMIO] }), referenceFactory).create).toBe(EINVAL);
  });

  it("sets SEV-ES in the VMCB only for a created SEV-ES guest", () => {
    const make = (s: ReturnType<typeof scenario>) => {
      const hv = new ReferenceHypervisor(new Machine(s), s);
      hv.createVm();
      return [hv.vcpuSevEs(0), hv.refusal()];
    };
    expect(make(scenario({}))).toEqual([true, null]);
    expect(make(scenario({ guest: "sev" }))).toEqual([false, null]);
    expect(make(scenario({ cpus: [NO_REDUCTION_52] }))).toEqual([false, "sevEsNeedsReservedBits"]);
  });

  it("names the refusing rule in the outcome, with the particulars kept apart", () => {
    const s = scenario({ guest: "plain", memory: [VMD_MAP[1]!, VMD_MAP[0]!] });
    expect(runScenario(s, referenceFactory).createReason).toBe("rangesAscendingDisjoint");
    const hv = new ReferenceHypervisor(new Machine(s), s);
    hv.createVm();
    expect(hv.refusalDetail()).toBe("memory range 1 overlaps or is not ascending");
  });

  it("decodes the host CPUs from raw CPUID, boot CPU first", () => {
    const s = scenario({ cpus: [EPYC_9124, MATISSE] });
    expect(hostCpusOf(new Machine(s))).toEqual([view(EPYC_9124), view(MATISSE)]);
  });
});

describe("reference hypervisor: #NPF", () => {
  it("turns an SEV-ES guest's MMIO read into #VC(0x400) after one exit (EPYC 9124)", () => {
    const out = runScenario(scenario({ steps: [read(MMIO_GPA)] }), referenceFactory);
    expect(out.steps[0]!.events.filter((e) => e.kind !== "rule")).toEqual([
      { kind: "npf-exit", gpa: MMIO_GPA, errorCode: READ_FINAL },
      { kind: "resume" },
      { kind: "vc", code: 0x400 },
    ]);
    expect(out.ptes.get(0xf0000000n)).toBe(0x0007c00000000001n);
  });

  it("raises #VC at once on the next access to the same MMIO page, without an exit", () => {
    const ev = eventsOf(scenario({ steps: [read(MMIO_GPA), write(0xf0000ff8n)] }));
    expect(ev[1]).toEqual([{ kind: "vc", code: 0x400 }]);
  });

  it("uses only the bits reserved on every host CPU, and #VC follows on each of them", () => {
    const s = scenario({ cpus: [EPYC_9124, REDUCTION_4], steps: [read(MMIO_GPA, 1), read(0xf0001000n, 0)] });
    const out = runScenario(s, referenceFactory);
    expect(out.ptes.get(0xf0000000n)).toBe(maskOf(50, 48) | 1n);
    expect(out.steps[0]!.events.at(-1)).toEqual({ kind: "vc", code: 0x400 });
    expect(out.steps[1]!.events.at(-1)).toEqual({ kind: "vc", code: 0x400 });
  });

  it("sends a plain guest's MMIO to vmd with the decode-assist bytes", () => {
    expect(eventsOf(scenario({ guest: "plain", steps: [read(MMIO_GPA)] }))[0]).toEqual([
      { kind: "npf-exit", gpa: MMIO_GPA, errorCode: READ_FINAL },
      {
        kind: "vmd-exit",
        reason: "mmio-assist",
        gpa: MMIO_GPA,
        insnBytes: true,
        insnLength: 15,
        size: 0n,
        write: false,
        dataGpa: 0n,
      },
    ]);
  });

  it("sends MMIO to vmd without instruction bytes when the host has no decode assists", () => {
    const ev = eventsOf(scenario({ guest: "plain", decodeAssist: false, steps: [read(MMIO_GPA)] }));
    expect(ev[0]!.at(-1)).toEqual({
      kind: "vmd-exit",
      reason: "mmio-assist",
      gpa: MMIO_GPA,
      insnBytes: false,
      insnLength: 0,
      size: 0n,
      write: false,
      dataGpa: 0n,
    });
  });

  it("sends an SEV (non-ES) guest's MMIO to vmd and installs no entry", () => {
    const out = runScenario(scenario({ guest: "sev", steps: [read(MMIO_GPA)] }), referenceFactory);
    expect(out.steps[0]!.events.at(-1)).toMatchObject({ kind: "vmd-exit", reason: "mmio-assist" });
    expect(out.ptes.get(0xf0000000n)).toBe(0n);
  });

  it("maps guest RAM to its host frame and completes the access there", () => {
    const out = runScenario(scenario({ steps: [read(0x1234n)] }), referenceFactory);
    expect(out.steps[0]!.events.filter((e) => e.kind !== "rule")).toEqual([
      { kind: "npf-exit", gpa: 0x1234n, errorCode: READ_FINAL },
      { kind: "resume" },
      { kind: "guest-access", hpa: lowRam(0x1234n), memory: "guest-ram", write: false },
    ]);
    expect(out.ptes.get(0x1000n)).toBe(lowRam(0x1000n) | 7n);
  });

  it("maps a reserved (BIOS) range like RAM", () => {
    const out = runScenario(scenario({ guest: "plain", steps: [read(0xf8000n)] }), referenceFactory);
    expect(out.steps[0]!.events.at(-1)).toMatchObject({ kind: "guest-access", memory: "guest-ram" });
  });

  it("fails the run on a GPA in no range and runs no further step", () => {
    const out = runScenario(scenario({ steps: [read(0xa0000n), read(0x1000n)] }), referenceFactory);
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0]!.events.at(-1)).toEqual({ kind: "vm-error", errno: EINVAL });
    expect(out.ptes.get(0xa0000n)).toBe(0n);
  });
});

describe("reference hypervisor: VMGEXIT", () => {
  const ghcb = (gpa: bigint): Step => ({ op: "ghcb", gpa });
  const nae = (gpa: bigint): Step => ({ op: "mmio-nae", gpa, write: false, size: 4 });

  it("serves CPUID through a mapped GHCB: reads it, writes the answer, resumes", () => {
    const ev = eventsOf(scenario({ steps: [read(0x1000n), ghcb(0x1000n)] }));
    expect(ev[1]).toEqual([
      { kind: "vmgexit", ghcbGpa: 0x1000n },
      { kind: "host-access", pa: lowRam(0x1000n), memory: "guest-ram", write: false, purpose: "ghcb" },
      { kind: "host-access", pa: lowRam(0x1000n), memory: "guest-ram", write: true, purpose: "ghcb" },
      { kind: "resume" },
    ]);
  });

  it("fails without touching host memory when the GHCB page is not mapped yet", () => {
    const s = scenario({ steps: [ghcb(0x1000n)] });
    expect(eventsOf(s)[0]).toEqual([
      { kind: "vmgexit", ghcbGpa: 0x1000n },
      { kind: "vm-error", errno: EINVAL },
    ]);
    expect(rulesOf(s).steps[0]).toEqual(["ghcbReachable", "unusableGhcbFailsRun"]);
  });

  it("fails on a GHCB in MMIO, even after the page got its reserved-bits entry", () => {
    const ev = eventsOf(scenario({ steps: [read(0xf0000000n), ghcb(0xf0000000n)] }));
    expect(ev[1]).toEqual([
      { kind: "vmgexit", ghcbGpa: 0xf0000000n },
      { kind: "vm-error", errno: EINVAL },
    ]);
  });

  it("answers a GHCB MSR value with low bits set as the MSR protocol, not as a GHCB (rule ghcbMsrProtocolAnswer)", () => {
    const sc = scenario({ steps: [] });
    const hv = referenceFactory(new Machine(sc), sc);
    expect(hv.createVm()).toBe(0);
    expect(hv.handleExit({ code: 0x403, ghcbMsr: 0x1010n }, 0, 0)).toEqual({ kind: "resume-msr", ghcbMsr: 0x1010n });
    expect(hv.handleExit({ code: 0x403, ghcbMsr: (1n << 32n) | (3n << 30n) | 0x004n }, 0, 0)).toEqual({
      kind: "resume-msr",
      ghcbMsr: (3n << 30n) | 0x005n,
    });
    expect(hv.handleExit({ code: 0x403, ghcbMsr: 0x100n }, 0, 0)).toEqual({ kind: "error", errno: EINVAL });
  });

  it("passes an MMIO NAE event for an MMIO GPA to vmd", () => {
    const ev = eventsOf(scenario({ steps: [read(0x1000n), ghcb(0x1000n), nae(MMIO_GPA)] }));
    expect(ev[2]).toEqual([
      { kind: "vmgexit", ghcbGpa: 0x1000n },
      { kind: "host-access", pa: lowRam(0x1000n), memory: "guest-ram", write: false, purpose: "ghcb" },
      {
        kind: "vmd-exit",
        reason: "mmio-nae",
        gpa: MMIO_GPA,
        insnBytes: false,
        insnLength: 0,
        size: 4n,
        write: false,
        dataGpa: 0x1800n,
      },
    ]);
  });

  it("answers an MMIO NAE event for guest RAM or a gap with a GHCB error, by a policy rule", () => {
    const s = scenario({ steps: [read(0x1000n), ghcb(0x1000n), nae(0x2000n), nae(0xa0000n)] });
    const ev = eventsOf(s);
    // #GP(0) in event-injection format: vector 13, type 3 (exception), error code valid, valid.
    const gp = { kind: "ghcb-error", exitinfo1: 1n, exitinfo2: 0x80000b0dn };
    expect(ev[2]!.at(-1)).toEqual(gp);
    expect(ev[3]!.at(-1)).toEqual(gp);
    expect(rulesOf(s).steps[2]).toEqual(["ghcbReachable", "ghcbRequestKind", "mmioNaeOutsideMmio", "ghcbErrorFor"]);
  });

  it("fails an MMIO NAE event made before any GHCB was named", () => {
    const s = scenario({ steps: [nae(MMIO_GPA)] });
    expect(eventsOf(s)[0]).toEqual([
      { kind: "vmgexit", ghcbGpa: 0n },
      { kind: "vm-error", errno: EINVAL },
    ]);
    expect(rulesOf(s).steps[0]).toEqual(["ghcbMsrNamesGhcb", "unusableGhcbFailsRun"]);
  });
});

describe("reference hypervisor: pvclock", () => {
  const pvclock = (gpa: bigint): Step => ({ op: "pvclock", gpa });

  it("writes the clock into a mapped guest page", () => {
    expect(eventsOf(scenario({ steps: [read(0x2000n), pvclock(0x2008n)] }))[1]).toEqual([
      // At the registration, and again before the guest is entered (rule pvclockAtEntry).
      { kind: "host-access", pa: lowRam(0x2008n), memory: "guest-ram", write: true, purpose: "pvclock" },
      { kind: "host-access", pa: lowRam(0x2008n), memory: "guest-ram", write: true, purpose: "pvclock" },
      { kind: "resume" },
    ]);
  });

  it("touches nothing for a guest page not mapped yet", () => {
    expect(eventsOf(scenario({ steps: [pvclock(0x2000n)] }))[0]).toEqual([{ kind: "resume" }]);
  });

  it("touches nothing for MMIO, even after the page got its reserved-bits entry", () => {
    expect(eventsOf(scenario({ steps: [read(MMIO_GPA), pvclock(MMIO_GPA)] }))[1]).toEqual([{ kind: "resume" }]);
  });

  it("touches nothing for a GPA in no range", () => {
    expect(eventsOf(scenario({ steps: [pvclock(0xa0000n)] }))[0]).toEqual([{ kind: "resume" }]);
  });
});

describe("reference hypervisor: safety (property)", () => {
  const cpus: HostCpu[] = [EPYC_9124, MATISSE, NO_REDUCTION_52, SEV_ONLY, NO_CBIT, REDUCTION_4];
  const gpas = [0x0n, 0x1000n, 0x9e000n, 0x9f000n, 0xa0000n, 0xf8000n, 0x100000n, MMIO_GPA, 0xf0fff000n, 0xf1000000n];
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      op: fc.constant("access" as const),
      gpa: fc.constantFrom(...gpas),
      kind: fc.constantFrom("read" as const, "write" as const, "fetch" as const),
      size: fc.constant(4),
      cpu: fc.integer({ min: 0, max: 2 }),
    }),
    fc.record({ op: fc.constant("ghcb" as const), gpa: fc.constantFrom(...gpas) }),
    fc.record({ op: fc.constant("pvclock" as const), gpa: fc.constantFrom(...gpas) }),
    fc.record({
      op: fc.constant("mmio-nae" as const),
      gpa: fc.constantFrom(...gpas),
      write: fc.boolean(),
      size: fc.constant(4),
    }),
  );
  const scenarioArb = fc
    .record({
      cpus: fc.array(fc.constantFrom(...cpus), { minLength: 1, maxLength: 3 }),
      memEncrypt: fc.boolean(),
      decodeAssist: fc.boolean(),
      guest: fc.constantFrom("plain" as const, "sev" as const, "sev-es" as const),
      steps: fc.array(stepArb, { maxLength: 8 }),
    })
    .map((o) => {
      const steps = o.steps.map((st) => (st.op === "access" ? { ...st, cpu: (st.cpu ?? 0) % o.cpus.length } : st));
      return scenario({ ...o, steps, memory: VMD_MAP });
    });

  it("never lets the guest or the host reach memory that is not the guest's, and is deterministic", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const out = runScenario(s, referenceFactory);
        for (const e of out.steps.flatMap((st) => st.events)) {
          expect(e.kind).not.toBe("host-crash");
          if (e.kind === "guest-access" || e.kind === "host-access") expect(e.memory).toBe("guest-ram");
        }
        expect(runScenario(s, referenceFactory)).toEqual(out);
      }),
      { seed: 1113, numRuns: 1500 },
    );
  });
});

describe("reference hypervisor: the rules it records", () => {
  it("records the rules of each decision at the step that made it, spec rules included", () => {
    const r = rulesOf(scenario({ steps: [read(MMIO_GPA), read(0x1000n)] }));
    expect(r.create).toEqual(["sevEsMmioMask"]);
    expect(r.steps[0]).toEqual(["npfAction", "reservedBitsPte"]);
    expect(r.steps[1]).toEqual(["npfAction", "memoryPte"]);
  });

  it("records the refusing rule of VM creation", () => {
    expect(rulesOf(scenario({ cpus: [NO_REDUCTION_52] })).create).toEqual(["sevEsNeedsReservedBits"]);
  });

  it("records which CPUs count (a policy) only where it changes the boot CPU's own answer", () => {
    expect(rulesOf(scenario({ cpus: [EPYC_9124, EPYC_9124] })).create).not.toContain("reservedOnEveryCpu");
    expect(rulesOf(scenario({ cpus: [EPYC_9124, MATISSE] })).create).toContain("reservedOnEveryCpu");
    // Same C-bit; the boot CPU reserves fewer bits (50..48) than the second (50..46): the intersection is its own.
    expect(rulesOf(scenario({ cpus: [REDUCTION_4, EPYC_9124] })).create).not.toContain("reservedOnEveryCpu");
    // The other way round the intersection is narrower than the boot CPU's set: the choice changes the mask.
    expect(rulesOf(scenario({ cpus: [EPYC_9124, REDUCTION_4] })).create).toContain("reservedOnEveryCpu");
  });
});
