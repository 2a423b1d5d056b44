// The scenario space: every choice a generated scenario makes and its weight, written once per concern and read
// by the seeded sampler (straight from the PRNG), the fast-check arbitraries and the raw-byte decoder (through the
// descriptions of gen.ts) alike.
// Option 0 of every choice is where shrinking goes: one CPU of a real profile (the patch author's EPYC 9124 first),
// an SEV-ES guest with memory encryption on, the fewest ranges (RAM and one MMIO range when MMIO matters) and one
// step; the byte decoder reads the same values from an empty input.
export { contractProblems } from "./space/contract";
export {
  PICKED_FIELDS,
  PROFILE_ORDER,
  RELATIONS,
  VENDORS,
  applyPicks,
  cpuFieldsGen,
  cpusFieldsGen,
  profileFieldsGen,
  relativeValue,
  type CpuPicks,
  type FieldPick,
  type Relation,
} from "./space/cpus";
export {
  CORRUPTIONS,
  DEFAULT_RAM_BYTES,
  buildRandomMap,
  corruptMap,
  memoryMapGen,
  ramBytesFor,
  randomMapGen,
  vmdMapGen,
  type Corruption,
  type RamPlan,
  type RangeStart,
} from "./space/memory";
export { DEFAULT_GENERATOR_OPTIONS, resolveGeneratorOptions, type GeneratorOptions } from "./space/options";
export { buildScenario, guestKindGen, scenarioDrawer, scenarioGen } from "./space/scenario";
export { OP_TABLE, SEQUENCES, resolveSteps, stepPlansGen, type Aim, type StepPlan } from "./space/steps";
export { PLACES, POSITIONS, targetGen, type Place, type Position, type Target } from "./space/targets";
