// The sweep: every CPU profile of the space PhysAddrSize (0–255) × PhysAddrReduction (0–63) × C-bit (0–63)
// × memEncrypt × guest kind, each run through a fixed set of probe scenarios.
import {
  GUEST_KINDS,
  guestOfKind,
  type GuestKind,
  type HostCpu,
  type MemRange,
  type Scenario,
  type Step,
} from "../scenario/types";
import type { Finding } from "../diff/finding";
import type { Engine, Origin } from "./campaign";
import { realisticOrder } from "./sweep-order";

export interface SweepPoint {
  physAddrSize: number;
  reduction: number;
  cBit: number;
  memEncrypt: boolean;
  kind: GuestKind;
}

export const SWEEP_AXES = {
  physAddrSize: 256,
  reduction: 64,
  cBit: 64,
  memEncrypt: 2,
  kind: GUEST_KINDS.length,
} as const;
export const SWEEP_POINTS =
  SWEEP_AXES.physAddrSize * SWEEP_AXES.reduction * SWEEP_AXES.cBit * SWEEP_AXES.memEncrypt * SWEEP_AXES.kind;

/** Point number `i` of the space, the C-bit varying fastest. */
export function sweepPoint(i: number): SweepPoint {
  const cBit = i % 64;
  const reduction = Math.floor(i / 64) % 64;
  const physAddrSize = Math.floor(i / 4096) % 256;
  const memEncrypt = Math.floor(i / 1048576) % 2 === 1;
  const kind = GUEST_KINDS[Math.floor(i / 2097152)]!;
  return { physAddrSize, reduction, cBit, memEncrypt, kind };
}

/** The host CPU of a sweep point: a Zen 2 Matisse (SME, SEV, SEV-ES) with the three fields replaced. */
export function sweepCpu(p: Pick<SweepPoint, "physAddrSize" | "reduction" | "cBit">): HostCpu {
  return {
    vendor: "AuthenticAMD",
    cpuid: new Map([
      [0x80000000, { eax: 0x80000021, ebx: 0, ecx: 0, edx: 0 }],
      [0x80000008, { eax: 0x3000 | p.physAddrSize, ebx: 0, ecx: 0, edx: 0 }],
      [0x8000001f, { eax: 0x0001000f, ebx: (p.reduction << 6) | p.cBit, ecx: 0x1fd, edx: 1 }],
    ]),
  };
}

/** vmd's memory map of a 1 GiB guest: low RAM, BIOS hole, RAM up to 1 GiB, a gap, the PCI MMIO BAR. */
export const PROBE_MEMORY: readonly MemRange[] = [
  { gpa: 0x0n, size: 0xa0000n, type: "ram" },
  { gpa: 0xa0000n, size: 0x60000n, type: "reserved" },
  { gpa: 0x100000n, size: 0x3ff00000n, type: "ram" },
  { gpa: 0xf0000000n, size: 0xfe00000n, type: "mmio" },
];

const RAM = 0x200000n;
const MMIO = 0xf0001000n;
const GAP = 0x80000000n;

/**
 * The probe scenarios' steps, per guest kind: RAM then the MMIO BAR twice then the gap (a gap access ends the run,
 * so it comes last); pvclock on a touched MMIO page; for SEV-ES guests also a GHCB on a touched MMIO page and an
 * MMIO NAE request through a GHCB in RAM. A host crash ends a run, so those stay separate probes.
 */
export function probeSteps(kind: GuestKind): { name: string; steps: Step[] }[] {
  const touchMmio: Step = { op: "access", gpa: MMIO, kind: "read", size: 4 };
  const probes = [
    {
      name: "ram-mmio-gap",
      steps: [
        { op: "access", gpa: RAM, kind: "write", size: 8 },
        touchMmio,
        { op: "access", gpa: MMIO, kind: "write", size: 4 },
        { op: "access", gpa: GAP, kind: "read", size: 4 },
      ] as Step[],
    },
    { name: "pvclock-mmio", steps: [touchMmio, { op: "pvclock", gpa: MMIO } as Step] },
  ];
  if (kind !== "sev-es") return probes;
  return [
    ...probes,
    { name: "ghcb-mmio", steps: [touchMmio, { op: "ghcb", gpa: MMIO } as Step] },
    {
      name: "mmio-nae",
      steps: [
        { op: "access", gpa: RAM, kind: "write", size: 8 },
        { op: "ghcb", gpa: RAM },
        { op: "mmio-nae", gpa: MMIO, write: false, size: 4 },
      ],
    },
  ];
}

const PROBES: Record<GuestKind, { name: string; steps: Step[] }[]> = {
  plain: probeSteps("plain"),
  sev: probeSteps("sev"),
  "sev-es": probeSteps("sev-es"),
};

/** Scenarios of the whole sweep: every point times its guest kind's probes. */
export const SWEEP_SCENARIOS = GUEST_KINDS.reduce(
  (sum, kind) => sum + (SWEEP_POINTS / GUEST_KINDS.length) * PROBES[kind].length,
  0,
);

export function sweepScenario(p: SweepPoint, steps: Step[], cpu: HostCpu = sweepCpu(p)): Scenario {
  return {
    host: { cpus: [cpu], memEncrypt: p.memEncrypt, decodeAssist: true, ramBytes: 0x1000000000n },
    guest: guestOfKind(p.kind),
    memory: PROBE_MEMORY.slice(),
    steps,
  };
}

/** The origin of probe `probe` at point `i`, in words made only when it hits a new signature. */
export function probeOrigin(i: number, p: SweepPoint, probe: string): Origin {
  return () => `sweep point ${i} (${pointWords(p)}) probe ${probe}`;
}

export function pointWords(p: SweepPoint): string {
  return `phys_addrsz=${p.physAddrSize} phys_red=${p.reduction} cbit=${p.cBit} memEncrypt=${p.memEncrypt ? "on" : "off"} guest=${p.kind}`;
}

/**
 * The sweep engine over shard `shard` of `shards` (contiguous blocks of points), each block visited nearest the
 * catalog's real CPUs first (sweep-order.ts): the first seconds of a sweep go where real hardware is.
 */
export function sweepEngine(
  shard: number,
  shards: number,
  onPoint?: (p: SweepPoint, probe: string, findings: readonly Finding[]) => void,
): Engine {
  return (ctx) => {
    const from = Math.floor((SWEEP_POINTS * shard) / shards);
    const to = Math.floor((SWEEP_POINTS * (shard + 1)) / shards);
    const order = realisticOrder(from, to);
    for (const i of order) {
      const p = sweepPoint(i);
      const cpu = sweepCpu(p);
      for (const probe of PROBES[p.kind]) {
        if (ctx.shouldStop()) return;
        const findings = ctx.execute(sweepScenario(p, probe.steps, cpu), probeOrigin(i, p, probe.name));
        onPoint?.(p, probe.name, findings);
      }
    }
  };
}
