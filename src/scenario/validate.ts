// The rules a scenario must satisfy beyond its JSON shape. Memory-range rules follow vmm's
// vm_create_check_mem_ranges (sys/dev/vmm/vmm.c); the rest keep a scenario meaningful for the machine.
import { hostRamNeeded } from "./host-ram";
import { hex } from "./json-reader";
import { PAGE_SIZE, VMM_MAX_MEM_RANGES, VMM_MAX_VM_MEM_SIZE, type Scenario } from "./types";

export interface Problem {
  path: string;
  rule: string;
}

const PAGE_MASK = PAGE_SIZE - 1n;

/** A broken range's problem (its path built only then: checking a valid map builds no strings). */
function rangeProblem(i: number, field: "gpa" | "size", rule: string): Problem {
  return { path: `memory[${i}].${field}`, rule };
}

/** The first rule a memory map breaks, in the order vm_create_check_mem_ranges checks them, or null. */
export function checkMemoryMap(s: Scenario): Problem | null {
  const ranges = s.memory;
  if (ranges.length < 1 || ranges.length > VMM_MAX_MEM_RANGES) {
    return { path: "memory", rule: `needs 1 to ${VMM_MAX_MEM_RANGES} ranges (VMM_MAX_MEM_RANGES)` };
  }
  let memsize = 0n;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if ((r.gpa & PAGE_MASK) !== 0n) return rangeProblem(i, "gpa", "must be page aligned (0x1000)");
    if ((r.size & PAGE_MASK) !== 0n) return rangeProblem(i, "size", "must be page aligned (0x1000)");
    if (r.size === 0n) return rangeProblem(i, "size", "must not be 0");
    if (r.gpa >= VMM_MAX_VM_MEM_SIZE) return rangeProblem(i, "gpa", "must be below 128 GiB (VMM_MAX_VM_MEM_SIZE)");
    if (r.size > VMM_MAX_VM_MEM_SIZE - r.gpa) {
      return rangeProblem(i, "size", "range must end at or below 128 GiB (VMM_MAX_VM_MEM_SIZE)");
    }
    const prev = ranges[i - 1];
    if (prev && prev.gpa + prev.size > r.gpa)
      return rangeProblem(i, "gpa", "ranges must be ascending and non-overlapping");
    if (r.type !== "mmio") memsize += r.size;
  }
  if (memsize === 0n) return { path: "memory", rule: "needs at least one ram or reserved range (MMIO maps no memory)" };
  return null;
}

/** The first rule the scenario breaks, or null when it is valid. */
export function checkScenario(s: Scenario): Problem | null {
  if (s.guest.sevEs && !s.guest.sev)
    return { path: "guest.sevEs", rule: "an SEV-ES guest is an SEV guest: sev must be true" };
  if (!s.invalidMemory) {
    const problem = checkMemoryMap(s);
    if (problem) return problem;
  }
  if (s.host.pvEntries !== undefined && !(Number.isInteger(s.host.pvEntries) && s.host.pvEntries >= 0)) {
    return { path: "host.pvEntries", rule: "must be an integer >= 0" };
  }
  const needed = hostRamNeeded(s.memory);
  if (s.host.ramBytes < needed) {
    return {
      path: "host.ramBytes",
      rule: `host RAM must hold the guest memory above its backing base: at least ${hex(needed)}`,
    };
  }
  for (let i = 0; i < s.steps.length; i++) {
    const step = s.steps[i]!;
    const at = `steps[${i}]`;
    if ((step.op === "ghcb" || step.op === "mmio-nae" || step.op === "ghcb-msr") && !s.guest.sevEs) {
      return { path: `${at}.op`, rule: `"${step.op}" needs an SEV-ES guest (guest.sevEs)` };
    }
    if (step.cpu !== undefined && step.cpu >= s.host.cpus.length) {
      return { path: `${at}.cpu`, rule: `names host CPU ${step.cpu}, but host.cpus has ${s.host.cpus.length}` };
    }
    const vcpus = s.guest.vcpus ?? 1;
    if (step.vcpu !== undefined && step.vcpu >= vcpus) {
      return { path: `${at}.vcpu`, rule: `names vcpu ${step.vcpu}, but the guest has ${vcpus} (guest.vcpus)` };
    }
    if (step.op === "access" && (step.gpa & PAGE_MASK) + BigInt(step.size) > PAGE_SIZE) {
      return { path: `${at}.gpa`, rule: "an access must not cross a page boundary" };
    }
    if (step.op === "ghcb-msr" && (step.gpa & PAGE_MASK) === 0n) {
      return { path: `${at}.gpa`, rule: "a GHCB MSR protocol value has GHCBInfo (bits 11:0) set; 0 names a GHCB page" };
    }
  }
  return null;
}
