import { describe, expect, it } from "vitest";
import type { Event, Outcome } from "../../src/cpu/events";
import { GUEST_BACKING_BASE } from "../../src/cpu/machine";
import { PTE_NX, PTE_P, PTE_RW, PTE_US } from "../../src/cpu/walk";
import { CHECKS, diffOutcomes, implementationError } from "../../src/diff/diff";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import type { Scenario, Step } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, PLAIN, scenario } from "../port/fixtures";

const RAM = 0x200000n;
const MMIO = 0xf0000010n;
const FULL = PTE_P | PTE_RW | PTE_US;

/** Steps: 0 RAM write, 1 MMIO read, 2 pvclock, 3 GHCB. Host EPYC 9124, SEV-ES guest, the vmd-like map. */
const STEPS: Step[] = [
  { op: "access", gpa: RAM, kind: "write", size: 8 },
  { op: "access", gpa: MMIO, kind: "read", size: 4 },
  { op: "pvclock", gpa: 0x3000n },
  { op: "ghcb", gpa: 0x1000n },
];
const SC = scenario({ steps: STEPS });

const ramOk: Event = { kind: "guest-access", hpa: GUEST_BACKING_BASE + RAM, memory: "guest-ram", write: true };
const npf: Event = { kind: "npf-exit", gpa: MMIO, errorCode: 0x100000004n };
const vc: Event = { kind: "vc", code: 0x400 };
const vmdAssist: Event = {
  kind: "vmd-exit",
  reason: "mmio-assist",
  gpa: MMIO,
  insnBytes: true,
  insnLength: 15,
  size: 0n,
  write: false,
  dataGpa: 0n,
};
const pvclockOk: Event[] = [
  { kind: "host-access", pa: GUEST_BACKING_BASE + 0x3000n, memory: "guest-ram", write: true, purpose: "pvclock" },
  { kind: "resume" },
];
const ghcbOk: Event[] = [
  { kind: "vmgexit", ghcbGpa: 0x1000n },
  { kind: "host-access", pa: GUEST_BACKING_BASE + 0x1000n, memory: "guest-ram", write: false, purpose: "ghcb" },
  { kind: "resume" },
];
/** Both sides agreeing: what a correct hypervisor shows for STEPS. */
const GOOD: Event[][] = [[ramOk], [npf, { kind: "resume" }, vc], pvclockOk, ghcbOk];

function outcome(impl: string, steps: Event[][], extra: Partial<Outcome> = {}): Outcome {
  return { impl, create: 0, createEvents: [], steps: steps.map((events) => ({ events })), ptes: new Map(), ...extra };
}

/** GOOD with step `i` replaced, and the steps after `stopAt` dropped. */
function withStep(i: number, events: Event[], stopAt = Infinity): Event[][] {
  return GOOD.map((e, j) => (j === i ? events : e)).filter((_, j) => j <= stopAt);
}

const crashAt = (pa: bigint): Event[] => [
  { kind: "host-access", pa, memory: "none", write: true, purpose: "pvclock" },
  { kind: "host-crash", reason: `kernel fault: direct-map write of pa 0x${pa.toString(16)}` },
];

describe("diffOutcomes", () => {
  it("finds nothing when the two agree", () => {
    expect(diffOutcomes(SC, outcome("A", GOOD), outcome("B", GOOD))).toEqual([]);
  });

  it("has its checks in the documented order", () => {
    expect(CHECKS.map((c) => c.name)).toEqual([
      "vm-creation",
      "host-crash",
      "memory-reached",
      "guest-exception-and-exits",
      "undefined-behaviour",
      "final-pte",
      "vm-creation-errno",
      "run-errno",
      "ghcb-error-code",
      "vmd-exit-gpa",
      "vmd-exit-insn-length",
      "vmd-exit-nae-size",
      "vmd-exit-direction",
      "vmd-exit-data",
      "guest-pages-touched",
      "final-pte-attributes",
    ]);
  });
});

describe("vm-creation", () => {
  it("reports one side created and the other refused, with B's refusal reason in the signature", () => {
    const a = outcome("posted", GOOD);
    const b = outcome("reference", [], { create: 22, createReason: "sevEsNeedsReservedBits" });
    const found = diffOutcomes(SC, a, b);
    expect(found).toEqual([
      {
        class: "exit-mismatch",
        severity: "functional",
        signature: "exit-mismatch|both|create|A:ok|B:refused(sevEsNeedsReservedBits)|sev-es",
        step: -1,
        side: "both",
        detail: "VM creation: posted created, reference refused (errno 22: sevEsNeedsReservedBits)",
        basis: "spec",
        policyRules: [],
      },
    ]);
  });

  it("says just refused when no reason is given, and keeps the errno out of the signature", () => {
    const b = outcome("reference", GOOD);
    const s22 = diffOutcomes(SC, outcome("A", [], { create: 22 }), b)[0]!;
    const s12 = diffOutcomes(SC, outcome("A", [], { create: 12 }), b)[0]!;
    expect(s22.signature).toBe("exit-mismatch|both|create|A:refused|B:ok|sev-es");
    expect(s12.signature).toBe(s22.signature);
    expect(s12.detail).toContain("errno 12");
  });

  it("tells different refusal reasons apart", () => {
    const b = outcome("B", GOOD);
    const one = diffOutcomes(SC, outcome("A", [], { create: 22, createReason: "noSevEs" }), b)[0]!;
    const two = diffOutcomes(SC, outcome("A", [], { create: 22, createReason: "noPsp" }), b)[0]!;
    expect(one.signature).not.toBe(two.signature);
  });

  it("does not compare steps or PTEs when one side has no VM", () => {
    const a = outcome("A", GOOD, { ptes: new Map([[0x1000n, 7n]]) });
    const b = outcome("B", [], { create: 22 });
    expect(diffOutcomes(SC, a, b).map((f) => f.class)).toEqual(["exit-mismatch"]);
  });
});

describe("host-crash", () => {
  it("reports the side that crashed at its step, with the direct-map access that faulted as the cause", () => {
    const a = outcome("posted", withStep(2, crashAt(0x000fc00000003000n), 2));
    const found = diffOutcomes(SC, a, outcome("reference", GOOD));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      class: "host-crash",
      severity: "crash",
      signature: "host-crash|A|direct-map:pvclock|sev-es",
      step: 2,
      side: "A",
    });
    expect(found[0]!.detail).toContain("posted");
  });

  it("names the kernel and its panic as the cause when no direct-map access faulted", () => {
    const b = outcome("B", withStep(1, [npf, { kind: "host-crash", reason: "panic: pmap_enter: 3 left" }], 1));
    const found = diffOutcomes(SC, outcome("A", GOOD), b);
    expect(found.map((f) => [f.class, f.side, f.step, f.signature])).toEqual([
      ["host-crash", "B", 1, "host-crash|B|kernel:panic(pmap_enter: N left)|sev-es"],
    ]);
    const kassert = 'panic: kernel diagnostic assertion "x != 0" failed: file "pmap.c", line 7';
    const c = outcome("B", withStep(1, [npf, { kind: "host-crash", reason: kassert }], 1));
    expect(diffOutcomes(SC, outcome("A", GOOD), c)[0]!.signature).toBe("host-crash|B|kernel:KASSERT(x != 0)|sev-es");
  });

  it("reports a crash during VM creation at step -1", () => {
    const b = outcome("B", [], { create: -1, createEvents: [{ kind: "host-crash", reason: "panic" }] });
    const found = diffOutcomes(SC, outcome("A", GOOD), b);
    expect(found.find((f) => f.class === "host-crash")).toMatchObject({ step: -1, side: "B" });
  });

  it("reports nothing when both crash the same way at the same step", () => {
    const crashed = withStep(2, crashAt(0x000fc00000003000n), 2);
    expect(diffOutcomes(SC, outcome("A", crashed), outcome("B", crashed))).toEqual([]);
  });
});

describe("memory-reached (host-memory-exposure)", () => {
  it("reports a guest access reaching host RAM, with the region of the GPA", () => {
    const leak: Event = { kind: "guest-access", hpa: 0x10n, memory: "host-ram", write: false };
    const found = diffOutcomes(SC, outcome("posted", withStep(1, [npf, { kind: "resume" }, leak])), outcome("B", GOOD));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      class: "host-memory-exposure",
      severity: "security",
      signature: "host-memory-exposure|A|guest-access:host-ram|mmio|sev-es",
      step: 1,
      side: "A",
    });
  });

  it("reports a guest access reaching no memory at all", () => {
    const miss: Event = { kind: "guest-access", hpa: 1n << 51n, memory: "none", write: false };
    const found = diffOutcomes(SC, outcome("A", GOOD), outcome("B", withStep(1, [npf, { kind: "resume" }, miss])));
    expect(found.map((f) => f.signature)).toEqual(["host-memory-exposure|B|guest-access:none|mmio|sev-es"]);
  });

  it("reports the host touching host RAM for the guest, without a region", () => {
    const ghcb: Event[] = [
      { kind: "vmgexit", ghcbGpa: 0x1000n },
      { kind: "host-access", pa: 0x1000n, memory: "host-ram", write: false, purpose: "ghcb" },
      { kind: "resume" },
    ];
    const found = diffOutcomes(SC, outcome("A", withStep(3, ghcb)), outcome("B", GOOD));
    expect(found.map((f) => [f.signature, f.step])).toEqual([
      ["host-memory-exposure|A|host-access:ghcb:read:host-ram|sev-es", 3],
    ]);
  });

  it("does not call an access to the wrong guest page an exposure", () => {
    const wrong: Event = { ...ramOk, hpa: GUEST_BACKING_BASE + 0x5000n } as Event;
    const found = diffOutcomes(SC, outcome("A", withStep(0, [wrong])), outcome("B", GOOD));
    expect(found.map((f) => f.class)).toEqual(["exit-mismatch"]);
  });

  it("reports nothing one-sided when both reach the same host address", () => {
    const leak: Event = { kind: "guest-access", hpa: 0x10n, memory: "host-ram", write: false };
    const same = withStep(1, [leak]);
    expect(diffOutcomes(SC, outcome("A", same), outcome("B", same))).toEqual([]);
  });

  it("reports a side whose step reaches more host memory than the other's, even when one address is shared", () => {
    const read: Event = { kind: "host-access", pa: 0x1000n, memory: "host-ram", write: false, purpose: "ghcb" };
    const write: Event = { kind: "host-access", pa: 0x2000n, memory: "host-ram", write: true, purpose: "ghcb" };
    const vmgexit: Event = { kind: "vmgexit", ghcbGpa: 0x1000n };
    const a = outcome("A", withStep(3, [vmgexit, read, write, { kind: "resume" }]));
    const b = outcome("B", withStep(3, [vmgexit, read, { kind: "resume" }]));
    expect(diffOutcomes(SC, a, b).map((f) => [f.class, f.side, f.step])).toEqual([["host-memory-exposure", "A", 3]]);
  });

  it("reports each side when both reach host RAM at different addresses", () => {
    const at = (hpa: bigint): Event => ({ kind: "guest-access", hpa, memory: "host-ram", write: false });
    const found = diffOutcomes(SC, outcome("A", withStep(1, [at(0x10n)])), outcome("B", withStep(1, [at(0x20n)])));
    expect(found.map((f) => [f.class, f.side])).toEqual([
      ["host-memory-exposure", "A"],
      ["host-memory-exposure", "B"],
    ]);
  });
});

describe("guest-exception-and-exits (exit-mismatch)", () => {
  it("reports the first step whose observable events differ, with both sides' kinds in the signature", () => {
    const a = outcome("pre-patch", withStep(1, [npf, vmdAssist]));
    const found = diffOutcomes(SC, a, outcome("reference", GOOD));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      class: "exit-mismatch",
      severity: "functional",
      signature: "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es",
      step: 1,
      side: "both",
    });
  });

  it("reports every differing step with its own root cause, one finding per signature", () => {
    const a = outcome(
      "A",
      withStep(1, [npf, vmdAssist]).map((e, j) =>
        j === 3 ? [ghcbOk[0]!, ghcbOk[1]!, { kind: "ghcb-error", exitinfo1: 2n, exitinfo2: 6n }] : e,
      ),
    );
    const found = diffOutcomes(SC, a, outcome("B", GOOD));
    expect(found.map((f) => f.step)).toEqual([1, 3]);
    const again = scenario({ steps: [STEPS[0]!, STEPS[1]!, STEPS[2]!, STEPS[1]!] });
    const good = GOOD.map((e, j) => (j === 3 ? GOOD[1]! : e));
    const twice = good.map((e, j) => (j === 1 || j === 3 ? [npf, vmdAssist] : e));
    expect(diffOutcomes(again, outcome("A", twice), outcome("B", good)).map((f) => f.step)).toEqual([1]);
  });

  it("ignores differences in exits the host handles and resumes", () => {
    const a = outcome("A", withStep(1, [npf, { kind: "resume" }, npf, { kind: "resume" }, vc]));
    expect(diffOutcomes(SC, a, outcome("B", GOOD))).toEqual([]);
  });

  it("reports a side that stopped against one that went on", () => {
    const a = outcome("A", withStep(1, [npf, { kind: "vm-error", errno: 22 }], 1));
    const found = diffOutcomes(SC, a, outcome("B", GOOD));
    expect(found.map((f) => [f.signature, f.step])).toEqual([
      ["exit-mismatch|both|access|mmio|A:vm-error|B:vc:0x400|sev-es", 1],
    ]);
  });

  it("is not reported at a step that already has a one-sided finding (same root cause)", () => {
    const a = outcome("A", withStep(2, crashAt(0x000fc00000003000n), 2));
    expect(diffOutcomes(SC, a, outcome("B", GOOD)).map((f) => f.class)).toEqual(["host-crash"]);
  });

  it("is reported after an earlier, unrelated one-sided finding when a later step differs", () => {
    const leak: Event = { kind: "guest-access", hpa: 0x10n, memory: "host-ram", write: false };
    const a = outcome(
      "A",
      withStep(1, [leak]).map((e, j) =>
        j === 3 ? [ghcbOk[0]!, ghcbOk[1]!, { kind: "ghcb-error", exitinfo1: 2n, exitinfo2: 6n }] : e,
      ),
    );
    expect(diffOutcomes(SC, a, outcome("B", GOOD)).map((f) => [f.class, f.step])).toEqual([
      ["host-memory-exposure", 1],
      ["exit-mismatch", 3],
    ]);
  });

  it("is reported before a later one-sided finding", () => {
    const a = outcome(
      "A",
      withStep(1, [npf, vmdAssist])
        .map((e, j) => (j === 2 ? crashAt(1n << 51n) : e))
        .slice(0, 3),
    );
    const found = diffOutcomes(SC, a, outcome("B", GOOD));
    expect(found.map((f) => [f.class, f.step])).toEqual([
      ["host-crash", 2],
      ["exit-mismatch", 1],
    ]);
  });
});

describe("undefined-behaviour", () => {
  const ub = (site: string, detail: string): Event => ({ kind: "ub", site, detail });

  it("reports the first UB of each side, at its step, with numbers normalised out of the signature", () => {
    const a = outcome("posted", GOOD, {
      createEvents: [ub("u64shl", "shift count 64 of 0xfc00"), ub("u64shl", "shift count 70 of 0x1")],
    });
    const found = diffOutcomes(SC, a, outcome("reference", GOOD));
    expect(found).toEqual([
      {
        class: "undefined-behaviour",
        severity: "ub",
        signature: "undefined-behaviour|A|u64shl|shift count N of X|sev-es",
        step: -1,
        side: "A",
        detail: "u64shl: shift count 64 of 0xfc00",
        basis: "spec",
        policyRules: [],
      },
    ]);
  });

  it("gives the same signature for the same site with other values, negative ones included", () => {
    const sig = (detail: string) =>
      diffOutcomes(
        SC,
        outcome("A", withStep(1, [ub("svm_handle_np_fault", detail), ...GOOD[1]!])),
        outcome("B", GOOD),
      )[0]!;
    expect(sig("shift by -1 of 0xABC").signature).toBe(sig("shift by 65 of 0x0").signature);
    expect(sig("shift by -1 of 0xABC").step).toBe(1);
    expect(sig("shift by -1 of 0xABC").signature).not.toBe(sig("subtraction wraps").signature);
  });

  it("does not by itself make the steps diverge", () => {
    const a = outcome("A", withStep(1, [ub("x", "y"), ...GOOD[1]!]));
    expect(diffOutcomes(SC, a, outcome("B", GOOD)).map((f) => f.class)).toEqual(["undefined-behaviour"]);
  });

  it("reports both sides", () => {
    const both = { createEvents: [ub("x", "y")] };
    expect(diffOutcomes(SC, outcome("A", GOOD, both), outcome("B", GOOD, both)).map((f) => f.side)).toEqual(["A", "B"]);
  });
});

describe("final-pte", () => {
  const ramPte = (GUEST_BACKING_BASE + RAM) | FULL;
  const ptes = (entries: [bigint, bigint][]) => ({ ptes: new Map(entries) });
  const diffPtes = (a: [bigint, bigint][], b: [bigint, bigint][], sc: Scenario = SC) =>
    diffOutcomes(sc, outcome("A", GOOD, ptes(a)), outcome("B", GOOD, ptes(b)));

  it("reports PTEs the CPU walks differently as pte-mismatch, by region and worst behaviour", () => {
    // Host frame 0 on one side, a reserved-bit entry on the other (EPYC 9124: bits 46..50 reserved).
    const found = diffPtes([[0xf0000000n, FULL]], [[0xf0000000n, FULL | (1n << 46n)]]);
    expect(found).toEqual([
      {
        class: "pte-mismatch",
        severity: "functional",
        signature: "pte-mismatch|both|pte|mmio|A:host-ram|B:rsv|sev-es",
        step: null,
        side: "both",
        detail: "nested PTE of page 0xf0000000: 0x7 vs 0x400000000007",
        basis: "spec",
        policyRules: [],
      },
    ]);
  });

  it("counts a page missing on one side as PTE 0 (not present)", () => {
    const found = diffPtes([[RAM, ramPte]], []);
    expect(found.map((f) => f.signature)).toEqual(["pte-mismatch|both|pte|ram|A:guest-ram|B:not-present|sev-es"]);
  });

  it("reports an NX difference as a behaviour difference", () => {
    expect(diffPtes([[RAM, ramPte]], [[RAM, ramPte | PTE_NX]]).map((f) => f.class)).toEqual(["pte-mismatch"]);
  });

  it("reports PTEs that differ in bits only as pte-bits, with the differing flag bits in the signature", () => {
    const found = diffPtes([[RAM, ramPte]], [[RAM, ramPte | 0x200n]]);
    expect(found).toEqual([
      {
        class: "pte-bits",
        severity: "info",
        signature: "pte-bits|both|bits:0x200|sev-es",
        step: null,
        side: "both",
        detail: `nested PTE of page 0x200000 (ram): 0x${ramPte.toString(16)} vs 0x${(ramPte | 0x200n).toString(16)}`,
        basis: "spec",
        policyRules: [],
      },
    ]);
  });

  it("summarises differing address bits as +address and bits 52..63 as +high", () => {
    // Two different reserved bits: both fault with RSV, so the CPU behaves the same.
    const rsv = diffPtes([[MMIO & ~0xfffn, FULL | (1n << 46n)]], [[MMIO & ~0xfffn, FULL | (1n << 48n) | 0x400n]]);
    expect(rsv.map((f) => f.signature)).toEqual(["pte-bits|both|bits:0x400+address|sev-es"]);
    const high = diffPtes([[RAM, ramPte]], [[RAM, ramPte | (1n << 52n)]]);
    expect(high.map((f) => f.signature)).toEqual(["pte-bits|both|bits:0x0+high|sev-es"]);
  });

  it("lists each pte-bits signature once, however many pages show it", () => {
    const found = diffPtes(
      [
        [RAM, ramPte],
        [RAM + 0x1000n, ramPte + 0x1000n],
        [RAM + 0x2000n, ramPte + 0x2000n],
      ],
      [
        [RAM, ramPte | 0x200n],
        [RAM + 0x1000n, (ramPte + 0x1000n) | 0x200n],
        [RAM + 0x2000n, (ramPte + 0x2000n) | 0x800n],
      ],
    );
    expect(found.map((f) => f.signature)).toEqual([
      "pte-bits|both|bits:0x200|sev-es",
      "pte-bits|both|bits:0x800|sev-es",
    ]);
  });

  it("ends the pte-bits signature with the guest kind, as every class's", () => {
    const plain = scenario({ guest: PLAIN, steps: [STEPS[0]!] });
    const a = diffOutcomes(
      plain,
      outcome("A", [[ramOk]], ptes([[RAM, ramPte]])),
      outcome("B", [[ramOk]], ptes([[RAM, ramPte | 0x200n]])),
    );
    expect(a.map((f) => f.signature)).toEqual(["pte-bits|both|bits:0x200|plain"]);
    expect(diffPtes([[RAM, ramPte]], [[RAM, ramPte | 0x200n]]).map((f) => f.signature)).toEqual([
      "pte-bits|both|bits:0x200|sev-es",
    ]);
  });

  it("reports a behaviour difference alone, not the bits-only differences beside it", () => {
    const found = diffPtes(
      [
        [RAM, ramPte],
        [0xf0000000n, FULL],
      ],
      [
        [RAM, ramPte | 0x200n],
        [0xf0000000n, FULL | (1n << 46n)],
      ],
    );
    expect(found.map((f) => f.class)).toEqual(["pte-mismatch"]);
  });

  it("is skipped after a step-level finding (its PTEs differ as a consequence)", () => {
    const a = outcome("A", withStep(1, [npf, vmdAssist]), ptes([[0xf0000000n, 0n]]));
    const b = outcome("B", GOOD, ptes([[0xf0000000n, FULL | (1n << 46n)]]));
    expect(diffOutcomes(SC, a, b).map((f) => f.class)).toEqual(["exit-mismatch"]);
  });

  it("judges behaviour on every host CPU of the scenario", () => {
    // Bits 46 and 47 are both reserved on EPYC 9124; on Matisse (encryption active) 46 is reserved but 47 is the C-bit.
    const pa = FULL | (1n << 46n);
    const pb = FULL | (1n << 47n);
    const epyc = scenario({ cpus: [EPYC_9124()], steps: STEPS });
    const mixed = scenario({ cpus: [EPYC_9124(), MATISSE()], steps: STEPS });
    expect(diffPtes([[0x0n, pa]], [[0x0n, pb]], epyc).map((f) => f.class)).toEqual(["pte-bits"]);
    expect(diffPtes([[0x0n, pa]], [[0x0n, pb]], mixed).map((f) => f.signature)).toEqual([
      "pte-mismatch|both|pte|ram|A:rsv|B:host-ram|sev-es",
    ]);
  });
});

describe("signature stability", () => {
  it("gives the same signature for the same root cause at other addresses and steps", () => {
    const leak = (hpa: bigint): Event => ({ kind: "guest-access", hpa, memory: "host-ram", write: false });
    const other = scenario({
      steps: [STEPS[0]!, STEPS[0]!, { op: "access", gpa: 0xf0abc008n, kind: "read", size: 4 }],
    });
    const s1 = diffOutcomes(SC, outcome("A", withStep(1, [leak(0x10n)])), outcome("B", GOOD));
    const s2 = diffOutcomes(
      other,
      outcome("A", [[ramOk], [ramOk], [npf, { kind: "resume" }, leak(0xabc008n)]]),
      outcome("B", [[ramOk], [ramOk], [npf, { kind: "resume" }, vc]]),
    );
    expect(s2.map((f) => f.signature)).toEqual(s1.map((f) => f.signature));
    expect(s2[0]!.step).not.toBe(s1[0]!.step);
  });

  it("gives the same host-crash signature whatever the faulting address", () => {
    const sig = (pa: bigint) =>
      diffOutcomes(SC, outcome("A", withStep(2, crashAt(pa), 2)), outcome("B", GOOD))[0]!.signature;
    expect(sig(1n << 51n)).toBe(sig(0x000fc00000003000n));
  });

  it("gives the same signatures for the port and the reference at two MMIO addresses", () => {
    const at = (gpa: bigint) =>
      runPair(
        scenario({ steps: [STEPS[0]!, { op: "access", gpa, kind: "read", size: 4 }] }),
        implementation("pre-patch"),
        implementation("reference"),
      ).findings.map((f) => f.signature);
    const first = at(MMIO);
    expect(first.length).toBeGreaterThan(0);
    expect(at(0xf7654320n)).toEqual(first);
  });

  it("carries the guest kind, so one root cause in two guest kinds gives two signatures", () => {
    const a = outcome("A", withStep(1, [npf, vmdAssist]));
    const sev = diffOutcomes(SC, a, outcome("B", GOOD))[0]!.signature;
    const plain = diffOutcomes(scenario({ guest: PLAIN, steps: STEPS }), a, outcome("B", GOOD))[0]!.signature;
    expect(sev.endsWith("|sev-es")).toBe(true);
    expect(plain).toBe(sev.replace(/\|sev-es$/, "|plain"));
  });
});

describe("implementationError", () => {
  it("is a bug-severity finding whose signature drops the numbers of the message", () => {
    const f = implementationError(SC, "A", "posted", new Error("no range 3 at 0x1f000"));
    expect(f).toEqual({
      class: "implementation-error",
      severity: "bug",
      signature: "implementation-error|A|posted|no range N at X|sev-es",
      step: null,
      side: "A",
      detail: "posted threw: no range 3 at 0x1f000",
      basis: "spec",
      policyRules: [],
    });
    expect(implementationError(SC, "A", "posted", new Error("no range 7 at 0x2")).signature).toBe(f.signature);
  });

  it("takes a thrown non-Error as its message", () => {
    const f = implementationError(SC, "B", "reference", "boom");
    expect(f.detail).toBe("reference threw: boom");
    expect(f.signature).toBe("implementation-error|B|reference|boom|sev-es");
  });
});

describe("basis", () => {
  const rule = (name: string): Event => ({ kind: "rule", rule: name });

  it("is policy, naming the rules, when B applied a policy rule at the finding's step", () => {
    const a = outcome(
      "A",
      withStep(
        3,
        [
          { kind: "vmgexit", ghcbGpa: 0x1000n },
          { kind: "vm-error", errno: 22 },
        ],
        3,
      ),
    );
    const b = outcome("B", withStep(3, [rule("ghcbReachable"), rule("unusableGhcbFailsRun"), { kind: "resume" }]));
    const found = diffOutcomes(SC, a, b);
    expect(found.map((f) => [f.step, f.basis, f.policyRules])).toEqual([[3, "policy", ["unusableGhcbFailsRun"]]]);
  });

  it("is spec when the rules B applied there are all spec rules, or were applied at another step", () => {
    const a = outcome("A", withStep(1, [npf, vmdAssist]));
    const b = outcome(
      "B",
      GOOD.map((e, j) => (j === 1 ? [rule("npfAction"), ...e] : j === 3 ? [rule("mmioNaeOutsideMmio"), ...e] : e)),
    );
    expect(diffOutcomes(SC, a, b).map((f) => [f.basis, f.policyRules])).toEqual([["spec", []]]);
  });

  it("counts policy rules of VM creation for every finding of the run", () => {
    const a = outcome("A", GOOD, { create: 0 });
    const b = outcome("B", [], {
      create: 22,
      createReason: "sevEsNeedsReservedBits",
      createEvents: [rule("sevEsNeedsReservedBits")],
    });
    expect(diffOutcomes(SC, a, b).map((f) => [f.step, f.basis, f.policyRules])).toEqual([
      [-1, "policy", ["sevEsNeedsReservedBits"]],
    ]);
  });

  it("counts a policy of VM creation at a step only where B's rule there read what creation decided", () => {
    const a = outcome("A", withStep(1, [npf, vmdAssist]));
    const created = { createEvents: [rule("reservedOnEveryCpu")] };
    const plain = outcome("B", GOOD, created);
    expect(diffOutcomes(SC, a, plain).map((f) => f.basis)).toEqual(["spec"]);
    const masked = outcome("B", withStep(1, [rule("npfAction"), rule("reservedBitsPte"), ...GOOD[1]!]), created);
    expect(diffOutcomes(SC, a, masked).map((f) => [f.basis, f.policyRules])).toEqual([
      ["policy", ["reservedOnEveryCpu"]],
    ]);
  });

  it("stays spec for a host crash, whatever policy B applied at that step", () => {
    const a = outcome("A", withStep(2, crashAt(0x000fc00000003000n), 2));
    const b = outcome(
      "B",
      GOOD.map((e, j) => (j === 2 ? [rule("unusableGhcbFailsRun"), ...e] : e)),
    );
    expect(diffOutcomes(SC, a, b).map((f) => [f.class, f.basis])).toEqual([["host-crash", "spec"]]);
  });
});

describe("basis of the final PTEs", () => {
  const rule = (name: string): Event => ({ kind: "rule", rule: name });
  const ptes = (entries: [bigint, bigint][]) => ({ ptes: new Map(entries) });

  it("ignores policy rules of steps that wrote no entry, counts creation's where an entry used the mask", () => {
    const steps = GOOD.map((e, j) =>
      j === 1 ? [rule("reservedBitsPte"), ...e] : j === 3 ? [rule("unusableGhcbFailsRun"), ...e] : e,
    );
    const a = outcome("A", GOOD, ptes([[0xf0000000n, 0n]]));
    const b = outcome("B", steps, { ...ptes([[0xf0000000n, FULL | (1n << 46n)]]), createEvents: [] });
    const pte = (o: typeof b) => diffOutcomes(SC, a, o).find((f) => f.class === "pte-mismatch")!;
    expect([pte(b).basis, pte(b).policyRules]).toEqual(["spec", []]);
    const masked = { ...b, createEvents: [rule("reservedOnEveryCpu")] };
    expect([pte(masked).basis, pte(masked).policyRules]).toEqual(["policy", ["reservedOnEveryCpu"]]);
  });
});

describe("the fast path in front of the checks", () => {
  it("reports undefined behaviour even when both sides show the same events", () => {
    const ub = { kind: "ub", site: "x.c:f:a << b", detail: "1 << 64" } as const;
    const o = (impl: string): Outcome => ({
      impl,
      create: 0,
      createEvents: [],
      steps: [{ events: [ub] }],
      ptes: new Map(),
    });
    const s = fastPathScenario();
    expect(diffOutcomes(s, o("posted"), o("posted")).map((f) => f.class)).toEqual([
      "undefined-behaviour",
      "undefined-behaviour",
    ]);
  });

  it("finds nothing in equal outcomes, and the same as the checks when one value differs", () => {
    const o = (pte: bigint, reason?: string): Outcome => ({
      impl: "x",
      create: 0,
      ...(reason ? { createReason: reason } : {}),
      createEvents: [],
      steps: [{ events: [{ kind: "guest-access", hpa: 0x10000000n, memory: "guest-ram", write: false }] }],
      ptes: new Map([[0n, pte]]),
    });
    const s = fastPathScenario();
    expect(diffOutcomes(s, o(0x10000007n), o(0x10000007n))).toEqual([]);
    expect(diffOutcomes(s, o(0x10000407n), o(0x10000007n)).map((f) => f.signature)).toEqual([
      "pte-bits|both|bits:0x400|sev-es",
    ]);
  });
});

function fastPathScenario(): Scenario {
  return scenario({ steps: [{ op: "access", gpa: 0n, kind: "read", size: 4 }] });
}
