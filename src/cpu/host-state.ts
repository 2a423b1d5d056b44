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
    this.hardware = host.cpus.map((cpu) => Object.freeze(hardwareOf(cpu, host.memEncrypt, host.ramBytes)));
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

/** A number from a host's value (equal hosts, equal numbers), without building a key. */
function hostHash(host: HostConfig): number {
  let h = (host.memEncrypt ? 0x9e3779b9 : 0x85ebca6b) ^ Number(host.ramBytes % 0x7fffffffn);
  const mix = (x: number) => {
    h = Math.imul(h ^ x, 0x01000193) >>> 0;
  };
  for (const cpu of host.cpus) {
    for (let i = 0; i < cpu.vendor.length; i++) mix(cpu.vendor.charCodeAt(i));
    for (const [leaf, r] of cpu.cpuid) {
      mix(leaf);
      mix(r.eax);
      mix(r.ebx);
      mix(r.ecx);
      mix(r.edx);
    }
  }
  return h;
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
    x.cpus.length === y.cpus.length &&
    x.cpus.every((cpu, i) => sameCpu(cpu, y.cpus[i]!))
  );
}

/**
 * Hosts kept; beyond it the cache starts over (campaigns draw many hosts that never repeat). The key is a hash of
 * the host's value, checked against the host itself: no key string is built per run.
 */
const MAX_HOSTS = 4096;
const hosts = new Map<number, { host: HostConfig; state: HostState }[]>();

/** The state of a host, by value: the same CPUs (in order), SYSCFG request and RAM size give the same object. */
export function hostStateOf(host: HostConfig): HostState {
  const h = hostHash(host);
  let bucket = hosts.get(h);
  if (bucket === undefined) {
    if (hosts.size >= MAX_HOSTS) hosts.clear();
    hosts.set(h, (bucket = []));
  }
  for (const entry of bucket) if (sameHost(entry.host, host)) return entry.state;
  const state = new HostState(host);
  // The key keeps copies of what it compares, so a scenario changed later cannot change it.
  bucket.push({ host: copyOfHost(host), state });
  return state;
}

function copyOfHost(host: HostConfig): HostConfig {
  return {
    ...host,
    cpus: host.cpus.map((cpu) => ({
      vendor: cpu.vendor,
      cpuid: new Map([...cpu.cpuid].map(([leaf, r]) => [leaf, { ...r }])),
    })),
  };
}
