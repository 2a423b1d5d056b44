// Whole scenarios: the host (CPUs, memory encryption, decode assists, RAM), the guest kind, the memory map and the
// steps, drawn in that order (the order the byte decoder reads them).
import { constant, int, map, oneof, pick, record, type Gen } from "../gen";
import { packCpu, type CpuFields } from "../profiles";
import { guestOfKind, type GuestKind, type HostConfig, type MemRange, type Scenario } from "../types";
import { checkMemoryMap } from "../validate";
import { cpusFieldsGen, drawCpus } from "./cpus";
import { drawInt, drawOption, weights, type Random } from "./draw";
import { drawMemoryMap, drawRamBytes, memoryMapGen, ramBytesFor, ramPlanGen, type RamPlan } from "./memory";
import type { GeneratorOptions } from "./options";
import { resolveSteps, stepPlansGen, stepsDrawer, type StepPlan } from "./steps";

const GUEST_ORDER: readonly GuestKind[] = ["sev-es", "sev", "plain"];
const GUEST_WEIGHTS: Readonly<Record<GuestKind, number>> = { "sev-es": 6, sev: 2, plain: 2 };

export function guestKindGen(options: GeneratorOptions): Gen<GuestKind> {
  return pick(...guestKindsOf(options).map((k) => [GUEST_WEIGHTS[k], k] as const));
}

function guestKindsOf(options: GeneratorOptions): GuestKind[] {
  return GUEST_ORDER.filter((k) => options.guestKinds.includes(k));
}

/**
 * guest.vcpus (vm_create_params.vcp_ncpus): one (absent) in most scenarios. When both sides create VMs of several
 * vcpus (the smp what-if), two in about one in six, three or four rarely; otherwise one scenario in 128, enough to
 * see that both refuse it. Steps of a guest of several vcpus each name theirs; sequences run on one vcpu or hand
 * over to the next.
 */
const VCPUS_WEIGHTS = { several: [25, 5], upOnly: [127, 1] } as const;
/** Of several vcpus: two, or three or four (so shrinking goes from several to two, then to one). */
const SEVERAL_WEIGHTS = [4, 1] as const;
export function vcpusGen(options: GeneratorOptions): Gen<number> {
  const [one, several] = VCPUS_WEIGHTS[options.severalVcpus ? "several" : "upOnly"];
  return oneof(
    [one, constant(1)],
    [several, oneof([SEVERAL_WEIGHTS[0], constant(2)], [SEVERAL_WEIGHTS[1], int(3, 4)])],
  );
}
const VCPUS_CUM = { several: weights(...VCPUS_WEIGHTS.several), upOnly: weights(...VCPUS_WEIGHTS.upOnly) };
const SEVERAL_CUM = weights(...SEVERAL_WEIGHTS);

function drawVcpus(random: Random, options: GeneratorOptions): number {
  if (drawOption(random, VCPUS_CUM[options.severalVcpus ? "several" : "upOnly"]) === 0) return 1;
  return drawOption(random, SEVERAL_CUM) === 0 ? 2 : drawInt(random, 3, 4);
}

/** The guest of a kind with this many vcpus (the field absent for one). */
function guestOf(kind: GuestKind, vcpus: number) {
  const guest = guestOfKind(kind);
  if (vcpus > 1) guest.vcpus = vcpus;
  return guest;
}

/**
 * host.pvEntries: absent (the pool never runs dry) in most scenarios; in one in sixteen a pool of 0 to 6 free
 * entries, about what a few faults take (two per page the guest touches), so that pmap_enter meets an empty
 * pool on every path that calls it.
 */
const PV_WEIGHTS = [15, 1] as const;
const PV_MAX = 6;
const pvEntriesGen: Gen<number | undefined> = oneof(
  [PV_WEIGHTS[0], constant(undefined)],
  [PV_WEIGHTS[1], int(0, PV_MAX)],
);
const PV_CUM = weights(...PV_WEIGHTS);

function drawPvEntries(random: Random): number | undefined {
  return drawOption(random, PV_CUM) === 0 ? undefined : drawInt(random, 0, PV_MAX);
}

interface ScenarioPlan {
  cpus: Readonly<CpuFields>[];
  memEncrypt: boolean;
  decodeAssist: boolean;
  guest: GuestKind;
  vcpus: number;
  memory: MemRange[];
  ram: RamPlan;
  pvEntries: number | undefined;
  steps: StepPlan[];
}

/** A scenario from its plan. A memory map vmm refuses is marked `invalidMemory`. */
export function buildScenario(plan: ScenarioPlan): Scenario {
  const guest = guestOf(plan.guest, plan.vcpus);
  const scenario: Scenario = {
    host: {
      cpus: plan.cpus.map(packCpu),
      memEncrypt: plan.memEncrypt,
      decodeAssist: plan.decodeAssist,
      ramBytes: ramBytesFor(plan.ram, plan.memory),
      ...(plan.pvEntries !== undefined ? { pvEntries: plan.pvEntries } : {}),
    },
    guest,
    memory: plan.memory,
    steps: resolveSteps(plan.steps, plan.memory, guest.sevEs, plan.cpus.length, plan.vcpus),
  };
  if (checkMemoryMap(scenario) !== null) scenario.invalidMemory = true;
  return scenario;
}

/**
 * Whole scenarios. The order of the parts is the order the byte decoder reads them: CPUs, host, guest and its
 * vcpus, memory, steps.
 */
export function scenarioGen(options: GeneratorOptions): Gen<Scenario> {
  return map(
    record<ScenarioPlan>({
      cpus: cpusFieldsGen(options),
      memEncrypt: pick([6, true], [1, false]),
      decodeAssist: pick([3, true], [1, false]),
      guest: guestKindGen(options),
      vcpus: vcpusGen(options),
      memory: memoryMapGen(options),
      ram: ramPlanGen,
      pvEntries: pvEntriesGen,
      steps: stepPlansGen(options),
    }),
    buildScenario,
  );
}

const MEM_ENCRYPT_CUM = weights(6, 1);
const DECODE_ASSIST_CUM = weights(3, 1);

/** A function drawing scenarioGen's scenarios straight from a PRNG: the same scenario for the same stream. */
export function scenarioDrawer(options: GeneratorOptions): (random: Random) => Scenario {
  const kinds = guestKindsOf(options);
  const guestCum = weights(...kinds.map((k) => GUEST_WEIGHTS[k]));
  const drawSteps = stepsDrawer(options);
  return (random) => {
    const cpus = drawCpus(random, options);
    const memEncrypt = drawOption(random, MEM_ENCRYPT_CUM) === 0;
    const decodeAssist = drawOption(random, DECODE_ASSIST_CUM) === 0;
    const kind = kinds[drawOption(random, guestCum)]!;
    const vcpus = drawVcpus(random, options);
    const guest = guestOf(kind, vcpus);
    const memory = drawMemoryMap(random, options);
    const ramBytes = drawRamBytes(random, memory);
    const pvEntries = drawPvEntries(random);
    const steps = drawSteps(random, memory, guest.sevEs, cpus.length, vcpus);
    const host: HostConfig = { cpus, memEncrypt, decodeAssist, ramBytes };
    if (pvEntries !== undefined) host.pvEntries = pvEntries;
    const scenario: Scenario = { host, guest, memory, steps };
    // Random and vmd-shaped maps are valid as drawn (test/scenario/memory-validity.test.ts): only a campaign that
    // breaks maps on purpose has maps to check.
    if (options.invalidMaps && checkMemoryMap(scenario) !== null) scenario.invalidMemory = true;
    return scenario;
  };
}
