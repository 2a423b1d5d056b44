// The contract every reading of the space keeps (the seeded sampler, the fast-check arbitraries, the byte decoder):
// what a generated scenario promises beyond checkScenario.
import { fieldsOfCpu, LEAF_EXT_MAX, profileOf } from "../profiles";
import { guestKind, VMM_MAX_VCPUS_PER_VM, type Scenario } from "../types";
import { checkMemoryMap, checkScenario } from "../validate";
import type { GeneratorOptions } from "./options";

const U64_MASK = (1n << 64n) - 1n;

/**
 * What every generated scenario promises beyond checkScenario (which it also passes): the option limits, the
 * `invalidMemory` flag exactly when the map breaks a rule (and only with `invalidMaps`), a `cpu` field exactly when
 * there are several CPUs, `guest.vcpus` absent or 2..64 and a `vcpu` field on a step exactly when it is there,
 * sizes 1..8, 32-bit CPUID registers, 64-bit addresses. The empty list when all hold.
 */
export function contractProblems(s: Scenario, options: GeneratorOptions): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);
  const problem = checkScenario(s);
  if (problem) fail(`${problem.path}: ${problem.rule}`);
  const mapProblem = checkMemoryMap(s);
  if (!!s.invalidMemory !== (mapProblem !== null)) fail("invalidMemory does not match the map's validity");
  if (s.invalidMemory && !options.invalidMaps) fail("invalid map without invalidMaps");
  const cpus = s.host.cpus;
  if (cpus.length < 1 || cpus.length > options.maxCpus) fail(`${cpus.length} CPUs`);
  if (s.steps.length < 1 || s.steps.length > options.maxSteps) fail(`${s.steps.length} steps`);
  if (s.memory.length > 64) fail(`${s.memory.length} ranges`);
  if (!options.guestKinds.includes(guestKind(s.guest))) fail(`guest kind ${guestKind(s.guest)}`);
  if (s.host.ramBytes > U64_MASK) fail("ramBytes above 64 bits");
  const vcpus = s.guest.vcpus;
  if (vcpus !== undefined && !(Number.isInteger(vcpus) && vcpus >= 2 && vcpus <= VMM_MAX_VCPUS_PER_VM)) {
    fail(`guest.vcpus ${vcpus}`);
  }
  for (const [i, cpu] of cpus.entries()) {
    if (!cpu.cpuid.has(LEAF_EXT_MAX)) fail(`cpu ${i} has no leaf 0x80000000`);
    for (const regs of cpu.cpuid.values()) {
      for (const v of [regs.eax, regs.ebx, regs.ecx, regs.edx]) if (v !== v >>> 0) fail(`cpu ${i} register ${v}`);
    }
    if (options.profileOnly && profileOf(fieldsOfCpu(cpu)) === null) fail(`cpu ${i} is not a named profile`);
  }
  for (const r of s.memory) if (r.gpa < 0n || r.gpa > U64_MASK || r.size < 0n || r.size > U64_MASK) fail("range");
  for (const [i, step] of s.steps.entries()) {
    if (step.gpa < 0n || step.gpa > U64_MASK) fail(`step ${i} gpa`);
    if ((step.cpu !== undefined) !== cpus.length > 1) fail(`step ${i} cpu field with ${cpus.length} CPUs`);
    if ((step.vcpu !== undefined) !== (vcpus !== undefined)) fail(`step ${i} vcpu field with ${vcpus ?? 1} vcpus`);
    if (step.vcpu !== undefined && !(Number.isInteger(step.vcpu) && step.vcpu >= 0 && step.vcpu < (vcpus ?? 1))) {
      fail(`step ${i} vcpu ${step.vcpu}`);
    }
    if (step.cpu !== undefined && !(Number.isInteger(step.cpu) && step.cpu >= 0 && step.cpu < cpus.length)) {
      fail(`step ${i} cpu ${step.cpu}`);
    }
    if ("size" in step && !(Number.isInteger(step.size) && step.size >= 1 && step.size <= 8)) {
      fail(`step ${i} size ${step.size}`);
    }
  }
  return problems;
}
