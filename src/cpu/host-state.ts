// What a host is before any VM runs on it, computed once and shared by the runs that follow on that host (A's, B's
// and the diff's of one scenario; the sweep's probes of one point): the decoded hardware of each CPU, and what VM
// creation derives from the CPUs alone (the port's boot-time identifycpu, the reference model's CPUID decode). A
// and B, and the diff, read the same objects; a run never changes them.
import type { HostConfig } from "../scenario/types";
import { hardwareOf, type CpuHardware } from "./hardware";

export class HostState {
  /** Per host CPU: what its hardware does. */
  readonly hardware: readonly CpuHardware[];
  private readonly derived = new Map<object, unknown>();

  constructor(host: HostConfig) {
    const reductionReserved = host.reductionReserved !== false;
    this.hardware = host.cpus.map((cpu) =>
      Object.freeze(hardwareOf(cpu, host.memEncrypt, host.ramBytes, reductionReserved)),
    );
  }

  /**
   * The value `owner` derives from this host alone, computed on first use. `compute` must depend on nothing but the
   * host (its CPUs' CPUID and vendor, SYSCFG, RAM size), and its result must be read, never changed.
   */
  derive<T>(owner: object, compute: () => T): T {
    if (this.derived.has(owner)) return this.derived.get(owner) as T;
    const value = compute();
    this.derived.set(owner, value);
    return value;
  }
}

/**
 * The last host's state. A and B (and the diff) run one scenario in turn, the sweep's probes of one point share its
 * CPU objects, and the minimizer's candidates keep the CPU objects they do not change: the same CPU objects,
 * SYSCFG request and RAM size as the last host give the same state. Hosts equal only by value get a state of their
 * own: random campaigns draw hosts that almost never repeat (about 43,000 distinct hosts in 60,000 scenarios), and a
 * cache by value cost more CPU time in hashing every host than its rare hits saved.
 */
let last: { host: HostConfig; state: HostState } | null = null;

/** The state of a host: the same CPU objects (in order), SYSCFG request, RAM size and what-if as the last host. */
export function hostStateOf(host: HostConfig): HostState {
  if (last !== null && sameObjects(last.host, host)) return last.state;
  const state = new HostState(host);
  last = { host, state };
  return state;
}

function sameObjects(x: HostConfig, y: HostConfig): boolean {
  if (x === y) return true;
  if (x.memEncrypt !== y.memEncrypt || x.ramBytes !== y.ramBytes || x.cpus.length !== y.cpus.length) return false;
  if (x.reductionReserved !== y.reductionReserved) return false;
  for (let i = 0; i < x.cpus.length; i++) if (x.cpus[i] !== y.cpus[i]) return false;
  return true;
}
