// The checks of single observable fields: each pinned by two hand-built outcomes that differ only in that field.
import { describe, expect, it } from "vitest";
import type { Event, Outcome, VmdExit } from "../../src/cpu/events";
import { GUEST_BACKING_BASE } from "../../src/cpu/machine";
import { PTE_P, PTE_RW, PTE_US } from "../../src/cpu/walk";
import { PTE_SOFTWARE_BITS, diffOutcomes } from "../../src/diff/diff";
import type { Step } from "../../src/scenario/types";
import { scenario } from "../port/fixtures";

const RAM = 0x200000n;
const MMIO = 0xf0000010n;
const GHCB = 0x1000n;
const FULL = PTE_P | PTE_RW | PTE_US;

/** Steps: 0 MMIO read (assist), 1 GHCB, 2 MMIO NAE write of 4 bytes, 3 pvclock, 4 RAM read. SEV-ES on EPYC 9124. */
const STEPS: Step[] = [
  { op: "access", gpa: MMIO, kind: "read", size: 4 },
  { op: "ghcb", gpa: GHCB },
  { op: "mmio-nae", gpa: MMIO, write: true, size: 4 },
  { op: "pvclock", gpa: 0x3000n },
  { op: "access", gpa: RAM, kind: "read", size: 8 },
];
const SC = scenario({ steps: STEPS });

const assist: VmdExit = {
  reason: "mmio-assist",
  gpa: MMIO,
  insnBytes: true,
  insnLength: 15,
  size: 0n,
  write: false,
  dataGpa: 0n,
};
const nae: VmdExit = {
  reason: "mmio-nae",
  gpa: MMIO,
  insnBytes: false,
  insnLength: 0,
  size: 4n,
  write: true,
  dataGpa: GHCB + 0x800n,
};
const hostTouch = (gpa: bigint, purpose: "ghcb" | "pvclock", write = true): Event => ({
  kind: "host-access",
  pa: GUEST_BACKING_BASE + gpa,
  memory: "guest-ram",
  write,
  purpose,
});
const npf: Event = { kind: "npf-exit", gpa: MMIO, errorCode: 0x100000004n };

function good(): Event[][] {
  return [
    [npf, { kind: "vmd-exit", ...assist }],
    [{ kind: "vmgexit", ghcbGpa: GHCB }, hostTouch(GHCB, "ghcb", false), hostTouch(GHCB, "ghcb"), { kind: "resume" }],
    [{ kind: "vmgexit", ghcbGpa: GHCB }, hostTouch(GHCB, "ghcb", false), { kind: "vmd-exit", ...nae }],
    [hostTouch(0x3000n, "pvclock"), { kind: "resume" }],
    [
      hostTouch(0x3000n, "pvclock"),
      { kind: "guest-access", hpa: GUEST_BACKING_BASE + RAM, memory: "guest-ram", write: false },
    ],
  ];
}

function outcome(impl: string, steps: Event[][], extra: Partial<Outcome> = {}): Outcome {
  return { impl, create: 0, createEvents: [], steps: steps.map((events) => ({ events })), ptes: new Map(), ...extra };
}

/** The findings when A's step `i` is `events` and B is good. */
function withA(i: number, events: Event[], extra: Partial<Outcome> = {}) {
  const a = good().map((e, j) => (j === i ? events : e));
  return diffOutcomes(SC, outcome("A", a, extra), outcome("B", good()));
}

const sigs = (found: { signature: string }[]) => found.map((f) => f.signature);

describe("the field checks", () => {
  it("find nothing when the two agree", () => {
    expect(diffOutcomes(SC, outcome("A", good()), outcome("B", good()))).toEqual([]);
  });

  it("vm-creation-errno: both refuse, with different errnos", () => {
    const a = outcome("A", [], { create: 12 });
    const b = outcome("B", [], { create: 22, createReason: "sevEsNeedsReservedBits" });
    const found = diffOutcomes(SC, a, b);
    expect(sigs(found)).toEqual(["exit-mismatch|both|create-errno|A:12|B:22|sev-es"]);
    expect(found[0]!.step).toBe(-1);
    expect(diffOutcomes(SC, outcome("A", [], { create: 22 }), b)).toEqual([]);
  });

  it("run-errno: both stop the VM at the same step, with different errnos", () => {
    const stopped = (errno: number) => outcome("X", [[npf, { kind: "vm-error", errno }]]);
    const found = diffOutcomes(SC, stopped(14), stopped(22));
    expect(sigs(found)).toEqual(["exit-mismatch|both|run-errno|access|mmio|A:14|B:22|sev-es"]);
    expect(found[0]!.step).toBe(0);
    expect(diffOutcomes(SC, stopped(22), stopped(22))).toEqual([]);
  });

  it("ghcb-error-code: both answer with an error in the GHCB, a different one", () => {
    const answer = (exitinfo1: bigint, exitinfo2: bigint): Event[] => [
      { kind: "vmgexit", ghcbGpa: GHCB },
      hostTouch(GHCB, "ghcb", false),
      hostTouch(GHCB, "ghcb"),
      { kind: "ghcb-error", exitinfo1, exitinfo2 },
    ];
    const a = good().map((e, j) => (j === 2 ? answer(2n, 6n) : e));
    const b = good().map((e, j) => (j === 2 ? answer(1n, 0x80000b0dn) : e));
    expect(sigs(diffOutcomes(SC, outcome("A", a), outcome("B", b)))).toEqual([
      "exit-mismatch|both|ghcb-error-code|mmio-nae|mmio|A:2/0x6|B:1/0x80000b0d|sev-es",
    ]);
  });

  it("vmd-exit-gpa: the page of the GPA instead of the GPA", () => {
    const found = withA(0, [npf, { kind: "vmd-exit", ...assist, gpa: MMIO & ~0xfffn }]);
    expect(sigs(found)).toEqual(["exit-mismatch|both|vmd-exit-gpa|access|mmio|A:step-page|B:step-gpa|sev-es"]);
  });

  it("vmd-exit-insn-length: the same bytes-valid flag with another length", () => {
    const found = withA(0, [npf, { kind: "vmd-exit", ...assist, insnLength: 3 }]);
    expect(sigs(found)).toEqual(["exit-mismatch|both|vmd-exit-insn-length|access|mmio|A:3|B:15|sev-es"]);
  });

  it("vmd-exit-nae-size, -direction, -data: each field of an MMIO NAE exit on its own", () => {
    const naeStep = (change: Partial<VmdExit>): Event[] => [
      { kind: "vmgexit", ghcbGpa: GHCB },
      hostTouch(GHCB, "ghcb", false),
      { kind: "vmd-exit", ...nae, ...change },
    ];
    expect(sigs(withA(2, naeStep({ size: 8n })))).toEqual([
      "exit-mismatch|both|vmd-exit-nae-size|mmio-nae|mmio|A:0x8|B:step-size|sev-es",
    ]);
    expect(sigs(withA(2, naeStep({ write: false })))).toEqual([
      "exit-mismatch|both|vmd-exit-direction|mmio-nae|mmio|A:read|B:write|sev-es",
    ]);
    expect(sigs(withA(2, naeStep({ dataGpa: 0n })))).toEqual([
      "exit-mismatch|both|vmd-exit-data|mmio-nae|mmio|A:none|B:shared-buffer|sev-es",
    ]);
  });

  it("guest-pages-touched: the host writes the pvclock into another guest page", () => {
    const a = good();
    a[3]![0] = hostTouch(0x4000n, "pvclock");
    a[4]![0] = hostTouch(0x4000n, "pvclock");
    const found = diffOutcomes(SC, outcome("A", a), outcome("B", good()));
    expect(found.map((f) => [f.class, f.severity, f.step])).toEqual([["guest-memory-mismatch", "functional", 3]]);
    expect(sigs(found)).toEqual([
      "guest-memory-mismatch|both|guest-pages|pvclock|ram|A:pvclock:other-page|B:pvclock:step-page|sev-es",
    ]);
  });

  it("guest-pages-touched: compares first touches, once per page at the earlier step; rewrites are no news", () => {
    // A writes the pvclock page first at step 4, B at step 3: one finding, at step 3.
    const a = good().map((e, j) => (j === 3 ? [{ kind: "resume" } as Event] : e));
    const b = good().map((e, j) => (j === 4 ? e.slice(1) : e));
    const found = diffOutcomes(SC, outcome("A", a), outcome("B", b));
    expect(found.map((f) => [f.step, f.signature])).toEqual([
      [3, "guest-memory-mismatch|both|guest-pages|pvclock|ram|A:nothing|B:pvclock:step-page|sev-es"],
    ]);
    expect(diffOutcomes(SC, outcome("A", good()), outcome("B", b))).toEqual([]);
  });

  it("guest-pages-touched: leaves a purpose that reached other memory to the exposure and crash checks", () => {
    const a = good();
    a[3]![0] = { kind: "host-access", pa: 0x5000n, memory: "host-ram", write: true, purpose: "pvclock" };
    a[4]![0] = a[3]![0];
    const found = diffOutcomes(SC, outcome("A", a), outcome("B", good()));
    expect(found.map((f) => f.class)).toEqual(["host-memory-exposure"]);
  });
});

describe("final-pte-attributes", () => {
  const ramPte = (GUEST_BACKING_BASE + RAM) | FULL;
  const diffPtes = (pa: bigint, pb: bigint, page = RAM) =>
    diffOutcomes(
      SC,
      outcome("A", good(), { ptes: new Map([[page, pa]]) }),
      outcome("B", good(), { ptes: new Map([[page, pb]]) }),
    );

  it("reports a caching, global, accessed or dirty bit of an entry that maps memory as pte-mismatch", () => {
    for (const bit of [3n, 4n, 5n, 6n, 7n, 8n]) {
      const found = diffPtes(ramPte | (1n << bit), ramPte);
      expect(found.map((f) => [f.class, f.severity])).toEqual([["pte-mismatch", "functional"]]);
      expect(found[0]!.signature).toBe(
        `pte-mismatch|both|pte-attributes|ram|bits:0x${(1n << bit).toString(16)}|sev-es`,
      );
    }
  });

  it("keeps software-available bits (11:9, 62:52) as info", () => {
    expect(PTE_SOFTWARE_BITS).toBe(0x7ff0000000000e00n);
    expect(diffPtes(ramPte | 0x400n, ramPte).map((f) => f.class)).toEqual(["pte-bits"]);
    expect(diffPtes(ramPte | (1n << 60n), ramPte).map((f) => f.class)).toEqual(["pte-bits"]);
  });

  it("keeps bits of entries that map nothing (reserved-bit faults) as info", () => {
    const rsv = FULL | (1n << 48n);
    expect(diffPtes(rsv | 0x10n, rsv, MMIO & ~0xfffn).map((f) => f.class)).toEqual(["pte-bits"]);
  });
});
