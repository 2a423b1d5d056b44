// The options of the scenario space: how many steps and CPUs, which guest kinds, whether broken memory maps and
// changed CPUs are made. Every reading of the space (sampler, arbitraries, byte decoder) takes them resolved.
import { MAX_CPUS, MAX_STEPS } from "../codec";
import { GUEST_KINDS, type GuestKind } from "../types";

export interface GeneratorOptions {
  /** Most steps in one scenario (1..256); at least one step is always made. */
  readonly maxSteps: number;
  /** Most host CPUs (1..64). */
  readonly maxCpus: number;
  /** Also make memory maps vmm must refuse; such scenarios carry `invalidMemory: true`. */
  readonly invalidMaps: boolean;
  /** The guest kinds to make (non-empty). */
  readonly guestKinds: readonly GuestKind[];
  /** CPUs are exact named profiles only (no field changes). */
  readonly profileOnly: boolean;
  /**
   * Both implementations create VMs of several vcpus (the smp what-if): guests of two to four vcpus are made often.
   * Otherwise rarely, only to check that both refuse them (vmm is UP only).
   */
  readonly severalVcpus: boolean;
}

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = Object.freeze({
  maxSteps: 8,
  maxCpus: 4,
  invalidMaps: false,
  guestKinds: GUEST_KINDS,
  profileOnly: false,
  severalVcpus: false,
});

/** Options with defaults filled in, checked, and frozen; throws RangeError on a bad value. */
export function resolveGeneratorOptions(options: Partial<GeneratorOptions> = {}): GeneratorOptions {
  const o = { ...DEFAULT_GENERATOR_OPTIONS, ...options };
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 1 || o.maxSteps > MAX_STEPS) {
    throw new RangeError(`maxSteps must be an integer in 1..${MAX_STEPS}`);
  }
  if (!Number.isInteger(o.maxCpus) || o.maxCpus < 1 || o.maxCpus > MAX_CPUS) {
    throw new RangeError(`maxCpus must be an integer in 1..${MAX_CPUS}`);
  }
  const kinds = GUEST_KINDS.filter((k) => o.guestKinds.includes(k));
  if (kinds.length === 0 || o.guestKinds.some((k) => !GUEST_KINDS.includes(k))) {
    throw new RangeError(`guestKinds must be a non-empty subset of ${GUEST_KINDS.join(", ")}`);
  }
  return Object.freeze({
    maxSteps: o.maxSteps,
    maxCpus: o.maxCpus,
    invalidMaps: !!o.invalidMaps,
    guestKinds: Object.freeze(kinds),
    profileOnly: !!o.profileOnly,
    severalVcpus: !!o.severalVcpus,
  });
}
