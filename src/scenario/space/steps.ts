// Steps: what the guest (and vmd) do. Each step is drawn as a plan (an op roll, a target, the op's own fields),
// then resolved in one scenario's map; some slots are whole sequences that matter (a page touched, then used as
// GHCB or clock; a GHCB registered twice).
import { array, constant, int, map, oneof, pick, record, tuple, type Gen } from "../gen";
import { PAGE_BYTES, pageOf } from "../memory-maps";
import {
  GHCB_MSR_CPUID_REQUEST,
  GHCB_MSR_TERMINATE,
  type AccessKind,
  type MemRange,
  VMM_MAX_VCPUS_PER_VM,
  type Step,
} from "../types";
import { drawAmong, drawInt, drawLength, drawOption, weights, type Random } from "./draw";
import type { GeneratorOptions } from "./options";
import {
  LIKED_BITS,
  PAGE_CROSSING,
  PLACES,
  PLACE_WEIGHTS,
  POSITIONS,
  POSITION_WEIGHTS,
  TARGET_WEIGHTS,
  SLOT_WEIGHTS as TARGET_SLOT_WEIGHTS,
  PAGE_LAST_32,
  SAME_AS_PREVIOUS,
  SAME_AS_THREE_BACK,
  SAME_AS_TWO_BACK,
  mapView,
  targetGen,
  targetGpa,
  type Target,
} from "./targets";

/** A clock structure's address is 32-byte aligned. */
const CLOCK_ALIGN_MASK = ~0x1fn;

export interface StepPlan {
  /** 0..999: chooses the op through the guest kind's table (OP_TABLE). */
  roll: number;
  target: Target;
  kind: AccessKind;
  size: number;
  walk: boolean;
  write: boolean;
  /** ghcb: page aligned; pvclock, vmd-pvclock, wallclock: 32-byte aligned. */
  aligned: boolean;
  /** ghcb: the guest writes its GHCB through the nested walk first. */
  guestWrite: boolean;
  /** ghcb-msr: picks the GHCB MSR value (a protocol request, msrOf). */
  msr: number;
  cpu: number;
  /** The vcpu that takes the step, modulo guest.vcpus. */
  vcpu: number;
}

/** GHCB MSR protocol requests (GHCB spec 56421 §2.3.1): CPUID requests, termination, and requests no host serves. */
const CPUID_FUNCTIONS = [0, 1, 0x80000000, 0x8000001f, 0x80000008, 7, 0xd, 0x8000001e];

/** The GHCB MSR value a plan's `msr` number picks: 6/9 a CPUID request, 2/9 termination, 1/9 another request. */
export function msrOf(x: number): bigint {
  const kind = x % 9;
  const rest = Math.floor(x / 9);
  if (kind < 6) {
    const fn = BigInt(CPUID_FUNCTIONS[rest % CPUID_FUNCTIONS.length]!);
    return (fn << 32n) | (BigInt((rest >> 3) & 3) << 30n) | GHCB_MSR_CPUID_REQUEST;
  }
  if (kind < 8) return (BigInt(rest & 0xff) << 12n) | GHCB_MSR_TERMINATE;
  return BigInt(1 + (rest % 0xfff));
}

export function stepPlanGen(options: GeneratorOptions): Gen<StepPlan> {
  return record<StepPlan>({
    roll: int(0, 999),
    target: targetGen,
    kind: pick<AccessKind>([4, "read"], [3, "write"], [1, "fetch"]),
    size: oneof([2, constant(1)], [3, constant(4)], [2, constant(8)], [1, constant(2)], [2, int(1, 8)]),
    walk: pick([9, false], [1, true]),
    write: pick([1, false], [1, true]),
    aligned: pick([4, true], [1, false]),
    guestWrite: pick([3, false], [1, true]),
    msr: int(0, 0xfffff),
    cpu: options.maxCpus > 1 ? oneof([3, constant(0)], [2, int(0, options.maxCpus - 1)]) : constant(0),
    vcpu: int(0, VMM_MAX_VCPUS_PER_VM - 1),
  });
}

/** Ops per mille by roll: SEV-ES guests use all of them; others no GHCB ops. */
export const OP_TABLE = Object.freeze({
  sevEs: Object.freeze([
    ["access", 450],
    ["mmio-nae", 650],
    ["ghcb", 780],
    ["ghcb-msr", 830],
    ["pvclock", 900],
    ["wallclock", 950],
    ["vmd-pvclock", 1000],
  ] as const),
  other: Object.freeze([
    ["access", 800],
    ["pvclock", 900],
    ["wallclock", 950],
    ["vmd-pvclock", 1000],
  ] as const),
});

/** A roll that picks `op` for an SEV-ES guest (the first of its range). */
export function rollOf(op: Step["op"]): number {
  let from = 0;
  for (const [name, below] of OP_TABLE.sevEs) {
    if (name === op) return from;
    from = below;
  }
  return 0;
}

/** The op of every roll 0..999, per guest kind, read once from OP_TABLE: a lookup instead of a search per step. */
function opsByRoll(table: (typeof OP_TABLE)[keyof typeof OP_TABLE]): readonly Step["op"][] {
  const ops: Step["op"][] = [];
  for (const [op, below] of table) while (ops.length < below) ops.push(op);
  return ops;
}
const OPS_BY_ROLL = { sevEs: opsByRoll(OP_TABLE.sevEs), other: opsByRoll(OP_TABLE.other) };

export function opOf(roll: number, sevEs: boolean): Step["op"] {
  return (sevEs ? OPS_BY_ROLL.sevEs : OPS_BY_ROLL.other)[roll] ?? "access";
}

/** Where a step of a sequence aims: "touch" a fresh target, or the address or page of an earlier step. */
export type Aim = "touch" | "same" | "two-back" | "three-back" | "last-32" | "crossing";
export const AIMS: Readonly<Record<Exclude<Aim, "touch">, Target>> = Object.freeze({
  same: SAME_AS_PREVIOUS,
  "two-back": SAME_AS_TWO_BACK,
  "three-back": SAME_AS_THREE_BACK,
  "last-32": PAGE_LAST_32,
  crossing: PAGE_CROSSING,
});

/**
 * Sequences that matter, as ops and where each aims: "touch" is a fresh target (an access), "same" the previous
 * step's address, "two-back" the one before. They reach the paths a random order reaches late: a page touched and
 * then used as GHCB or clock, a GHCB registered twice, an MMIO NAE after the #VC of an access.
 */
export const SEQUENCES: readonly (readonly (readonly [Step["op"], Aim])[])[] = Object.freeze([
  [
    ["access", "touch"],
    ["ghcb", "same"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "same"],
  ],
  [
    ["access", "touch"],
    ["wallclock", "same"],
  ],
  [
    ["access", "touch"],
    ["vmd-pvclock", "same"],
  ],
  [
    ["access", "touch"],
    ["ghcb", "same"],
    ["mmio-nae", "two-back"],
  ],
  [
    ["access", "touch"],
    ["mmio-nae", "same"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "last-32"],
  ],
  [
    ["access", "touch"],
    ["wallclock", "crossing"],
  ],
  [
    ["access", "touch"],
    ["access", "touch"],
    ["ghcb", "same"],
    ["mmio-nae", "three-back"],
  ],
  [
    ["access", "touch"],
    ["ghcb", "same"],
    ["access", "touch"],
    ["ghcb", "same"],
  ],
  [
    ["ghcb", "touch"],
    ["ghcb", "touch"],
  ],
  [
    ["ghcb-msr", "touch"],
    ["ghcb", "touch"],
  ],
  [
    ["access", "touch"],
    ["pvclock", "same"],
    ["access", "touch"],
    ["pvclock", "same"],
  ],
]);

/**
 * Which vcpus take a sequence (in a guest of several): its first step's vcpu takes every step, or hands the page
 * over: the other steps are taken by the next vcpu (a page faulted in by vcpu 0 and used as GHCB by vcpu 1; a GHCB
 * registered by vcpu 0, then by vcpu 1).
 */
export const VCPU_ORDERS = ["same-vcpu", "other-vcpu"] as const;
export type VcpuOrder = (typeof VCPU_ORDERS)[number];
const VCPU_ORDER_WEIGHTS = [1, 1] as const;

/** A plan made step `i` of a sequence: its op fixed by its roll, an aim other than "touch" revisiting. */
export function inSequence(
  p: StepPlan,
  part: (typeof SEQUENCES)[number][number],
  i: number,
  firstVcpu: number,
  order: VcpuOrder,
): StepPlan {
  const plan = { ...p };
  aimInSequence(plan, part, i, firstVcpu, order);
  return plan;
}

/** inSequence in place, for a plan no one else holds (the sampler's fresh ones). */
function aimInSequence(
  p: StepPlan,
  [op, aim]: (typeof SEQUENCES)[number][number],
  i: number,
  firstVcpu: number,
  order: VcpuOrder,
): void {
  const vcpu = i === 0 ? p.vcpu : order === "same-vcpu" ? firstVcpu : firstVcpu + 1;
  p.roll = ROLL_OF[op];
  if (aim !== "touch") {
    p.target = AIMS[aim];
    // An aim inside a page keeps its offset: no alignment of the clock's address.
    if (aim === "last-32" || aim === "crossing") p.aligned = false;
  }
  p.vcpu = vcpu;
}

/** rollOf of every op, computed once. */
const ROLL_OF = Object.fromEntries(OP_TABLE.sevEs.map(([op]) => [op, rollOf(op)])) as Record<Step["op"], number>;

function sequenceGen(options: GeneratorOptions, sequence: (typeof SEQUENCES)[number]): Gen<StepPlan[]> {
  const order = pick<VcpuOrder>(...VCPU_ORDERS.map((o, i) => [VCPU_ORDER_WEIGHTS[i]!, o] as const));
  return map(tuple(order, array(stepPlanGen(options), sequence.length, sequence.length)), ([o, plans]) =>
    plans.map((p, i) => inSequence(p, sequence[i]!, i, plans[0]!.vcpu, o)),
  );
}

/** Sequences that fit in `maxSteps`. */
export function fittingSequences(options: GeneratorOptions): (typeof SEQUENCES)[number][] {
  return SEQUENCES.filter((q) => q.length <= options.maxSteps);
}

/** Slots: a random plan (12/13) or a sequence (1/13). */
export const SLOT_WEIGHTS = [12, 1] as const;

/**
 * Steps: 1..maxSteps slots, each one random plan (12/13) or one of the sequences (1/13), cut at maxSteps. A
 * sequence is a slot of its own, so shrinking drops the other slots around it.
 */
export function stepPlansGen(options: GeneratorOptions): Gen<StepPlan[]> {
  const one = map(stepPlanGen(options), (p) => [p]);
  const fitting = fittingSequences(options);
  if (fitting.length === 0) return array(stepPlanGen(options), 1, options.maxSteps);
  const sequences = oneof(...fitting.map((q) => [1, sequenceGen(options, q)] as const));
  return map(array(oneof([SLOT_WEIGHTS[0], one], [SLOT_WEIGHTS[1], sequences]), 1, options.maxSteps), (slots) =>
    slots.flat().slice(0, options.maxSteps),
  );
}

/**
 * The step a plan makes, given its address before the op's own adjustments (alignment, the page an access must
 * stay in), the number of host CPUs and of vcpus; `gpa` is the address it records for later revisits.
 */
export function stepOf(p: StepPlan, target: bigint, sevEs: boolean, cpuCount: number, vcpus: number): Step {
  let gpa = BigInt.asUintN(64, target);
  const op = opOf(p.roll, sevEs);
  let step: Step;
  switch (op) {
    case "access": {
      // The scenario format keeps an access inside one page.
      if (pageOffset(gpa) + p.size > PAGE_BYTES) gpa = pageOf(gpa) + BigInt(PAGE_BYTES - p.size);
      step = { op, gpa, kind: p.kind, size: p.size };
      if (p.walk) step.walk = true;
      break;
    }
    case "mmio-nae":
      step = { op, gpa, write: p.write, size: p.size };
      break;
    case "ghcb":
      if (p.aligned) gpa = pageOf(gpa);
      step = { op, gpa };
      if (p.guestWrite) step.guestWrite = true;
      break;
    case "pvclock":
    case "wallclock":
    case "vmd-pvclock":
      if (p.aligned) gpa &= CLOCK_ALIGN_MASK;
      step = { op, gpa };
      break;
    case "ghcb-msr":
      step = { op, gpa: msrOf(p.msr) };
      break;
  }
  if (cpuCount > 1) step.cpu = p.cpu % cpuCount;
  if (vcpus > 1) step.vcpu = p.vcpu % vcpus;
  return step;
}

/** The low 12 bits of an address, as a number. */
function pageOffset(gpa: bigint): number {
  return Number(BigInt.asUintN(12, gpa));
}

/** The steps the plans make in this map for this guest, its number of vcpus, and the number of host CPUs. */
export function resolveSteps(
  plans: readonly StepPlan[],
  memory: readonly MemRange[],
  sevEs: boolean,
  cpuCount: number,
  vcpus = 1,
): Step[] {
  const steps: Step[] = [];
  const gpas: bigint[] = [];
  const view = mapView(memory);
  for (const p of plans) {
    const step = stepOf(p, targetGpa(p.target, view, gpas, p.size), sevEs, cpuCount, vcpus);
    steps.push(step);
    gpas.push(step.gpa);
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------------------
// The same, drawn straight from a PRNG (the sampler's reading).

const TARGET_CUM = weights(...TARGET_WEIGHTS);
const SLOT_RANGE_CUM = weights(...TARGET_SLOT_WEIGHTS);
const POSITION_CUM = weights(...POSITION_WEIGHTS);
const PLACE_CUM = weights(...PLACE_WEIGHTS);
const REVISIT_CUM = weights(2, 1);
const BIT_CUM = weights(3, 2);
const HIGH_CUM = weights(3, 2, 1);
const KINDS: readonly AccessKind[] = ["read", "write", "fetch"];
const KIND_CUM = weights(4, 3, 1);
const SIZES_CUM = weights(2, 3, 2, 1, 2);
const SIZES = [1, 4, 8, 2];
const WALK_CUM = weights(9, 1);
const EVEN_CUM = weights(1, 1);
const ALIGNED_CUM = weights(4, 1);
const GUEST_WRITE_CUM = weights(3, 1);
const CPU_CUM = weights(3, 2);
const SLOTS_CUM = weights(...SLOT_WEIGHTS);
const VCPU_ORDER_CUM = weights(...VCPU_ORDER_WEIGHTS);

function drawTarget(random: Random): Target {
  switch (drawOption(random, TARGET_CUM)) {
    case 0: {
      const slot = drawOption(random, SLOT_RANGE_CUM) === 0 ? drawInt(random, 0, 15) : drawInt(random, 16, 31);
      const at = POSITIONS[drawOption(random, POSITION_CUM)]!;
      return { kind: "in-range", slot, at, random: drawInt(random, 0, 0x7fffffff) };
    }
    case 1: {
      const back = drawInt(random, 1, 8);
      const inPage = drawOption(random, REVISIT_CUM) === 1;
      const offset = drawInt(random, 0, 0xfff);
      return inPage ? { kind: "same-page", back, offset } : { kind: "same-address", back };
    }
    case 2: {
      const place = PLACES[drawOption(random, PLACE_CUM)]!;
      const choice = drawOption(random, BIT_CUM) === 0 ? drawAmong(random, LIKED_BITS) : drawInt(random, 0, 63);
      return { kind: "outside", place, choice, offset: drawInt(random, 0, 0xfff) };
    }
    default: {
      const h = drawOption(random, HIGH_CUM);
      const high = h === 0 ? 0 : h === 1 ? drawInt(random, 1, 0x1f) : drawInt(random, 0, 0xffffffff);
      return { kind: "absolute", high, low: drawInt(random, 0, 0xffffffff) };
    }
  }
}

/** stepPlanGen, drawn. */
export function drawStepPlan(random: Random, options: GeneratorOptions): StepPlan {
  const roll = drawInt(random, 0, 999);
  const target = drawTarget(random);
  const kind = KINDS[drawOption(random, KIND_CUM)]!;
  const s = drawOption(random, SIZES_CUM);
  const size = s < 4 ? SIZES[s]! : drawInt(random, 1, 8);
  const walk = drawOption(random, WALK_CUM) === 1;
  const write = drawOption(random, EVEN_CUM) === 1;
  const aligned = drawOption(random, ALIGNED_CUM) === 0;
  const guestWrite = drawOption(random, GUEST_WRITE_CUM) === 1;
  const msr = drawInt(random, 0, 0xfffff);
  const cpu = options.maxCpus > 1 && drawOption(random, CPU_CUM) === 1 ? drawInt(random, 0, options.maxCpus - 1) : 0;
  const vcpu = drawInt(random, 0, VMM_MAX_VCPUS_PER_VM - 1);
  return { roll, target, kind, size, walk, write, aligned, guestWrite, msr, cpu, vcpu };
}

/** stepPlansGen and resolveSteps, drawn: a function making the steps of one scenario in its map. */
export function stepsDrawer(
  options: GeneratorOptions,
): (random: Random, memory: readonly MemRange[], sevEs: boolean, cpuCount: number, vcpus: number) => Step[] {
  const fitting = fittingSequences(options);
  const sequenceWeights = fitting.length > 0 ? weights(...fitting.map(() => 1)) : undefined;
  return (random, memory, sevEs, cpuCount, vcpus) => {
    const view = mapView(memory);
    const steps: Step[] = [];
    const gpas: bigint[] = [];
    const slots = drawLength(random, 1, options.maxSteps);
    for (let i = 0; i < slots; i++) {
      if (sequenceWeights === undefined || drawOption(random, SLOTS_CUM) === 0) {
        const p = drawStepPlan(random, options);
        steps.push(stepOf(p, targetGpa(p.target, view, gpas, p.size), sevEs, cpuCount, vcpus));
        gpas.push(steps[steps.length - 1]!.gpa);
        continue;
      }
      const sequence = fitting[drawOption(random, sequenceWeights)]!;
      const order = VCPU_ORDERS[drawOption(random, VCPU_ORDER_CUM)]!;
      drawLength(random, sequence.length, sequence.length);
      let firstVcpu = 0;
      for (let k = 0; k < sequence.length; k++) {
        const p = drawStepPlan(random, options);
        if (k === 0) firstVcpu = p.vcpu;
        aimInSequence(p, sequence[k]!, k, firstVcpu, order);
        steps.push(stepOf(p, targetGpa(p.target, view, gpas, p.size), sevEs, cpuCount, vcpus));
        gpas.push(steps[steps.length - 1]!.gpa);
      }
    }
    // Slots past maxSteps were drawn (the stream stays the description's) but make no step.
    if (steps.length > options.maxSteps) steps.length = options.maxSteps;
    return steps;
  };
}
