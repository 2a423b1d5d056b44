// Runs a scenario's guest through one hypervisor on the simulated machine: VM creation, then each step as the
// hardware executes it, delivering exits to the hypervisor and recording every observable event.
import type { AccessStep, Scenario, Step } from "../scenario/types";
import type { Event, Outcome, StepOutcome } from "./events";
import {
  SVM_VMEXIT_NPF,
  SVM_VMEXIT_VMGEXIT,
  type Disposition,
  type Hypervisor,
  type HypervisorFactory,
} from "./hypervisor";
import { GHCB_REQUEST_CPUID, GHCB_SHARED_BUFFER, HostCrash, Machine, PAGE_MASK } from "./machine";
export { GHCB_SHARED_BUFFER };
import { NPF_RSV, nestedWalk } from "./walk";

/** Automatic exits one access may take before the run calls it no progress (a fault resumed into itself). */
export const MAX_EXITS_PER_ACCESS = 4;
/** Bytes decode assist fetches on #NPF (APM vol 2 §15.38: up to 15 instruction bytes). */
const DECODE_ASSIST_BYTES = 15;
/** SEV_VMGEXIT_MMIO_READ / _WRITE (GHCB spec 56421 §4.1.5, Table 7). */
export const SVM_VMGEXIT_MMIO_READ = 0x80000001n;
export const SVM_VMGEXIT_MMIO_WRITE = 0x80000002n;

type StepEnd = "continue" | "vm-stopped" | "host-stopped";

export function runScenario(scenario: Scenario, factory: HypervisorFactory): Outcome {
  const machine = new Machine(scenario);
  const hv = factory(machine, scenario);
  const createEvents: Event[] = [];
  machine.events = createEvents;
  const steps: StepOutcome[] = [];
  let create: number;
  try {
    create = hv.createVm();
  } catch (e) {
    if (!(e instanceof HostCrash)) throw e;
    machine.emit({ kind: "host-crash", reason: e.reason });
    return { impl: hv.name, create: -1, createEvents, steps, ptes: finalPtes(scenario, hv) };
  }
  const createReason = create === 0 ? undefined : (hv.refusal?.() ?? undefined);
  if (create === 0) {
    for (const step of scenario.steps) {
      const events: Event[] = [];
      steps.push({ events });
      machine.events = events;
      if (runStep(machine, hv, step) !== "continue") break;
    }
  }
  const outcome: Outcome = { impl: hv.name, create, createEvents, steps, ptes: finalPtes(scenario, hv) };
  if (createReason !== undefined) outcome.createReason = createReason;
  return outcome;
}

function runStep(machine: Machine, hv: Hypervisor, step: Step): StepEnd {
  const vcpu = step.vcpu ?? 0;
  machine.currentVcpu = vcpu;
  try {
    switch (step.op) {
      case "access":
        return runAccess(machine, hv, step);
      case "ghcb": {
        // A GHCB is a page (GHCB spec 56421 §2.2): the MSR holds the page's GPA. The low 12 bits of the MSR select
        // the MSR protocol instead (§2.3.1, the ghcb-msr op), so the page of `gpa` is registered.
        const page = step.gpa & PAGE_MASK;
        if (step.guestWrite) {
          // The guest writes its request (SW_EXITCODE at offset 0x390) through its nested walk first.
          const write: AccessStep = {
            op: "access",
            gpa: page | 0x390n,
            kind: "write",
            size: 8,
            cpu: step.cpu ?? 0,
            vcpu,
          };
          const end = runAccess(machine, hv, write);
          if (end !== "continue" || machine.events.at(-1)?.kind !== "guest-access") return end;
        }
        machine.guestGhcb = {
          gpa: page,
          request: { swExitCode: GHCB_REQUEST_CPUID, swExitInfo1: 0n, swExitInfo2: 0n, swScratch: 0n },
        };
        return vmgexit(machine, hv, page, step.cpu ?? 0, vcpu);
      }
      case "mmio-nae": {
        const ghcbGpa = machine.guestGhcb?.gpa ?? 0n;
        const swExitCode = step.write ? SVM_VMGEXIT_MMIO_WRITE : SVM_VMGEXIT_MMIO_READ;
        machine.guestGhcb = {
          gpa: ghcbGpa,
          // As Linux's #VC handler does: the data in the GHCB's shared buffer, SW_SCRATCH pointing at it.
          request: {
            swExitCode,
            swExitInfo1: step.gpa,
            swExitInfo2: BigInt(step.size),
            swScratch: ghcbGpa + GHCB_SHARED_BUFFER,
          },
        };
        return vmgexit(machine, hv, ghcbGpa, step.cpu ?? 0, vcpu);
      }
      case "pvclock":
        return apply(machine, hv.pvclock(step.gpa, step.cpu ?? 0, vcpu));
      case "wallclock":
        return apply(machine, hv.wallclock(step.gpa, step.cpu ?? 0, vcpu));
      case "vmd-pvclock":
        return apply(machine, hv.vmdPvclock(step.gpa, vcpu));
      case "ghcb-msr":
        return vmgexit(machine, hv, step.gpa, step.cpu ?? 0, vcpu);
    }
  } catch (e) {
    if (!(e instanceof HostCrash)) throw e;
    machine.emit({ kind: "host-crash", reason: e.reason });
    return "host-stopped";
  }
}

function vmgexit(machine: Machine, hv: Hypervisor, ghcbMsr: bigint, cpu: number, vcpu: number): StepEnd {
  machine.emit({ kind: "vmgexit", ghcbGpa: ghcbMsr });
  return apply(machine, hv.handleExit({ code: SVM_VMEXIT_VMGEXIT, ghcbMsr }, cpu, vcpu));
}

function runAccess(machine: Machine, hv: Hypervisor, step: AccessStep): StepEnd {
  const cpu = step.cpu ?? 0;
  const vcpu = step.vcpu ?? 0;
  const hw = machine.hardware[cpu];
  if (!hw) throw new Error(`step names host CPU ${cpu}, which does not exist`);
  const sevEs = machine.sevEsActive(hv.vcpuSevEs(vcpu), cpu);
  const page = step.gpa & PAGE_MASK;
  for (let exits = 0; ; exits++) {
    const walk = nestedWalk(hw, hv.npt.get(page), step.gpa, step.kind, step.walk === true);
    if (walk.kind === "ok") {
      machine.emit({
        kind: "guest-access",
        hpa: walk.hpa,
        memory: machine.classify(walk.hpa),
        write: step.kind === "write",
      });
      return "continue";
    }
    // APM vol 2 §15.35.4 Table 15-33: #NPF is an automatic exit "only if PFCODE[3]=0"; otherwise it is a
    // non-automatic exit, raised in an SEV-ES guest as #VC with the exit code as error code.
    if (sevEs && (walk.errorCode & NPF_RSV) !== 0n) {
      machine.emit({ kind: "vc", code: SVM_VMEXIT_NPF });
      return "continue";
    }
    if (exits >= MAX_EXITS_PER_ACCESS) {
      machine.emit({ kind: "no-progress", exits });
      return "continue";
    }
    machine.emit({ kind: "npf-exit", gpa: step.gpa, errorCode: walk.errorCode });
    const insnLength = machine.host.decodeAssist ? DECODE_ASSIST_BYTES : 0;
    const exit = { code: SVM_VMEXIT_NPF, exitinfo1: walk.errorCode, exitinfo2: step.gpa, insnLength } as const;
    const d = hv.handleExit(exit, cpu, vcpu);
    if (d.kind !== "resume") return apply(machine, d);
    machine.emit({ kind: "resume" });
  }
}

/** Records what the run loop did with a disposition and whether the run goes on. */
function apply(machine: Machine, d: Disposition): StepEnd {
  switch (d.kind) {
    case "resume":
      machine.emit({ kind: "resume" });
      return "continue";
    case "resume-msr":
      machine.emit({ kind: "ghcb-msr-response", value: d.ghcbMsr });
      return "continue";
    case "resume-ghcb-error":
      machine.emit({ kind: "ghcb-error", exitinfo1: d.exitinfo1, exitinfo2: d.exitinfo2 });
      return "continue";
    case "vmd":
      machine.emit({
        kind: "vmd-exit",
        reason: d.reason,
        gpa: d.gpa,
        insnBytes: d.insnBytes,
        insnLength: d.insnLength,
        size: d.size,
        write: d.write,
        dataGpa: d.dataGpa,
      });
      return "continue";
    case "error":
      machine.emit({ kind: "vm-error", errno: d.errno });
      return "vm-stopped";
  }
}

/**
 * The last steps' pages, distinct and by address: A and B run the same scenario in turn. A scenario's steps are not
 * changed once drawn or read (the minimizer builds new arrays), so the array identifies them.
 */
let last: { steps: readonly Step[]; pages: readonly bigint[] } | null = null;

function stepPagesOf(steps: readonly Step[]): readonly bigint[] {
  if (last !== null && last.steps === steps) return last.pages;
  const pages: bigint[] = [];
  for (const s of steps) insertPage(pages, s.gpa & PAGE_MASK);
  last = { steps, pages };
  return pages;
}

/** Puts `page` into the ascending list `pages` unless it is there: a scenario names a few pages, no sort needed. */
function insertPage(pages: bigint[], page: bigint): void {
  let i = pages.length;
  while (i > 0 && pages[i - 1]! > page) i--;
  if (i > 0 && pages[i - 1] === page) return;
  pages.splice(i, 0, page);
}

/** The final nested PTE of every installed page and every page a step named (0 where none), by address. */
function finalPtes(scenario: Scenario, hv: Hypervisor): Map<bigint, bigint> {
  const npt = hv.npt;
  const named = stepPagesOf(scenario.steps);
  // Installed pages no step names go into a copy of the list.
  let more: bigint[] | null = null;
  for (const page of npt.keys()) if (!named.includes(page)) insertPage((more ??= named.slice()), page);
  const ptes = new Map<bigint, bigint>();
  for (const page of more ?? named) ptes.set(page, npt.get(page) ?? 0n);
  return ptes;
}
