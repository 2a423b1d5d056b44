// What a host is before any VM runs on it, computed once per host and shared by every run on that host: the
// decoded hardware of each CPU, and what VM creation derives from the CPUs alone (the port's boot-time identifycpu,
// the reference model's CPUID decode). A and B, and the diff, read the same objects; a run never changes them.
import type { HostConfig, HostCpu } from "../scenario/types";
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

/** FNV-1a step over a 32-bit value. */
function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193) >>> 0;
}

/** A number from a host's value (equal hosts, equal numbers), without building a key. */
function hostHash(host: HostConfig): number {
  const ram = Number(host.ramBytes);
  let h = mix(mix(host.memEncrypt ? 0x811c9dc5 : 0x050c5d1f, ram >>> 0), (ram / 0x100000000) >>> 0);
  if (host.reductionReserved === false) h = mix(h, 1);
  for (const cpu of host.cpus) {
    for (let i = 0; i < cpu.vendor.length; i++) h = mix(h, cpu.vendor.charCodeAt(i));
    for (const [leaf, r] of cpu.cpuid) h = mix(mix(mix(mix(mix(h, leaf), r.eax), r.ebx), r.ecx), r.edx);
  }
  return h & 0x3fffffff; // a small integer: no heap number per hash
}

function sameCpu(x: HostCpu, y: HostCpu): boolean {
  if (x === y) return true;
  if (x.vendor !== y.vendor || x.cpuid.size !== y.cpuid.size) return false;
  for (const [leaf, r] of x.cpuid) {
    const s = y.cpuid.get(leaf);
    if (!s || s.eax !== r.eax || s.ebx !== r.ebx || s.ecx !== r.ecx || s.edx !== r.edx) return false;
  }
  return true;
}

function sameHost(x: HostConfig, y: HostConfig): boolean {
  return (
    x.memEncrypt === y.memEncrypt &&
    x.ramBytes === y.ramBytes &&
    x.reductionReserved === y.reductionReserved &&
    x.cpus.length === y.cpus.length &&
    x.cpus.every((cpu, i) => sameCpu(cpu, y.cpus[i]!))
  );
}

/**
 * Hosts kept; beyond it the cache starts over. The key is a hash of the host's value, checked against a copy of the
 * host: no key string is built per run. Campaigns draw many hosts that never repeat, so a host is kept only once
 * its hash comes back: a host seen once costs one hash.
 */
const MAX_HOSTS = 256;
const MAX_SEEN = 4096;
const hosts = new Map<number, { host: HostConfig; state: HostState }[]>();
const seen = new Set<number>();

/** The state of a host, by value: the same CPUs (in order), SYSCFG request and RAM size give equal state. */
export function hostStateOf(host: HostConfig): HostState {
  // A and B (and the diff) run one scenario in turn, and the sweep's probes of one point share its CPU objects:
  // the same CPU objects, SYSCFG request and RAM size as the last host need no hash.
  if (last !== null && sameObjects(last.host, host)) return last.state;
  const state = byValue(host);
  last = { host, state };
  return state;
}

let last: { host: HostConfig; state: HostState } | null = null;

function sameObjects(x: HostConfig, y: HostConfig): boolean {
  if (x === y) return true;
  if (x.memEncrypt !== y.memEncrypt || x.ramBytes !== y.ramBytes || x.cpus.length !== y.cpus.length) return false;
  if (x.reductionReserved !== y.reductionReserved) return false;
  for (let i = 0; i < x.cpus.length; i++) if (x.cpus[i] !== y.cpus[i]) return false;
  return true;
}

function byValue(host: HostConfig): HostState {
  const h = hostHash(host);
  const bucket = hosts.get(h);
  if (bucket !== undefined) {
    for (const entry of bucket) if (sameHost(entry.host, host)) return entry.state;
  }
  const state = new HostState(host);
  if (!seen.has(h)) {
    if (seen.size >= MAX_SEEN) seen.clear();
    seen.add(h);
    return state;
  }
  if (bucket !== undefined) bucket.push({ host: copyOfHost(host), state });
  else {
    if (hosts.size >= MAX_HOSTS) hosts.clear();
    hosts.set(h, [{ host: copyOfHost(host), state }]);
  }
  return state;
}

/** The key keeps its own copy of what it compares: a scenario changed later cannot change it. */
function copyOfHost(host: HostConfig): HostConfig {
  return {
    ...host,
    cpus: host.cpus.map((cpu) => ({
      vendor: cpu.vendor,
      cpuid: new Map([...cpu.cpuid].map(([leaf, r]) => [leaf, { ...r }])),
    })),
  };
}
