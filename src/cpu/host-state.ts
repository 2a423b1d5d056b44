// What a host is before any VM runs on it, computed once per host and shared by every run on that host: the
// decoded hardware of each CPU, and what VM creation derives from the CPUs alone (the port's boot-time identifycpu,
// the reference model's CPUID decode). A and B, and the diff, read the same objects; a run never changes them.
// Two levels, both by value: a host (its CPUs in order and its settings), and each CPU on a host of those settings
// (most random hosts are new, but most of their CPUs are not: a new host reuses the CPUs already decoded).
import type { HostConfig, HostCpu } from "../scenario/types";
import { hardwareOf, type CpuHardware } from "./hardware";
import { HASH_START, ValueCache, mix } from "./value-cache";

/** Values derived from one host or one CPU, each computed on first use and only read afterwards. */
class Derived {
  private readonly derived = new Map<object, unknown>();

  /**
   * The value `owner` derives from this host (or CPU) alone, computed on first use. `compute` must depend on nothing
   * but the host or CPU (CPUID and vendor, SYSCFG, RAM size), and its result must be read, never changed.
   */
  derive<T>(owner: object, compute: () => T): T {
    if (this.derived.has(owner)) return this.derived.get(owner) as T;
    const value = compute();
    this.derived.set(owner, value);
    return value;
  }
}

/** One host CPU as its host's settings make it: its CPUID and vendor, the SYSCFG request, RAM size, the what-if. */
interface CpuOnHost {
  cpu: HostCpu;
  memEncrypt: boolean;
  ramBytes: bigint;
  reductionReserved: boolean;
}

/** One host CPU before any VM: its decoded hardware and what VM creation derives from this CPU alone. */
export class CpuState extends Derived {
  /** What its hardware does. */
  readonly hardware: CpuHardware;

  constructor(c: CpuOnHost) {
    super();
    this.hardware = Object.freeze(hardwareOf(c.cpu, c.memEncrypt, c.ramBytes, c.reductionReserved));
  }
}

export class HostState extends Derived {
  /** Per host CPU: its state, boot CPU first. */
  readonly cpus: readonly CpuState[];
  /** Per host CPU: what its hardware does. */
  readonly hardware: readonly CpuHardware[];

  constructor(host: HostConfig) {
    super();
    const settings = settingsHash(host);
    this.cpus = host.cpus.map((cpu) => cpuStateOf(host, cpu, mix(settings, cpuHash(cpu))));
    this.hardware = this.cpus.map((c) => c.hardware);
  }
}

/** A number from a host's settings: SYSCFG request, RAM size, the what-if. */
function settingsHash(host: HostConfig): number {
  const ram = Number(host.ramBytes);
  const h = mix(mix(host.memEncrypt ? HASH_START : 0x050c5d1f, ram >>> 0), (ram / 0x100000000) >>> 0);
  return host.reductionReserved === false ? mix(h, 1) : h;
}

/** A number from a CPU's value (vendor and every CPUID leaf). */
function cpuHash(cpu: HostCpu): number {
  let h = HASH_START;
  for (let i = 0; i < cpu.vendor.length; i++) h = mix(h, cpu.vendor.charCodeAt(i));
  for (const [leaf, r] of cpu.cpuid) h = mix(mix(mix(mix(mix(h, leaf), r.eax), r.ebx), r.ecx), r.edx);
  return h;
}

/** A small integer (no heap number per hash) from a hash. */
function small(h: number): number {
  return h & 0x3fffffff;
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

function copyOfCpu(cpu: HostCpu): HostCpu {
  return { vendor: cpu.vendor, cpuid: new Map([...cpu.cpuid].map(([leaf, r]) => [leaf, { ...r }])) };
}

function sameSettings(x: HostConfig | CpuOnHost, y: HostConfig | CpuOnHost): boolean {
  return (
    x.memEncrypt === y.memEncrypt &&
    x.ramBytes === y.ramBytes &&
    (x.reductionReserved !== false) === (y.reductionReserved !== false)
  );
}

/** CPUs kept (hashes), and CPUs seen once; beyond them the cache starts over. */
const cpuCache = new ValueCache<CpuOnHost, CpuState>(
  {
    same: (x, y) => sameSettings(x, y) && sameCpu(x.cpu, y.cpu),
    copy: (x) => ({ ...x, cpu: copyOfCpu(x.cpu) }),
  },
  1024,
  8192,
);

function cpuStateOf(host: HostConfig, cpu: HostCpu, hash: number): CpuState {
  const key: CpuOnHost = {
    cpu,
    memEncrypt: host.memEncrypt,
    ramBytes: host.ramBytes,
    reductionReserved: host.reductionReserved !== false,
  };
  return cpuCache.get(small(hash), key, (c) => new CpuState(c));
}

/** Hosts kept (hashes), and hosts seen once; beyond them the cache starts over. */
const hostCache = new ValueCache<HostConfig, HostState>(
  {
    same: (x, y) =>
      sameSettings(x, y) && x.cpus.length === y.cpus.length && x.cpus.every((cpu, i) => sameCpu(cpu, y.cpus[i]!)),
    copy: (host) => ({ ...host, cpus: host.cpus.map(copyOfCpu) }),
  },
  256,
  4096,
);

/** The state of a host, by value: the same CPUs (in order), SYSCFG request and RAM size give equal state. */
export function hostStateOf(host: HostConfig): HostState {
  // A and B (and the diff) run one scenario in turn, and the sweep's probes of one point share its CPU objects:
  // the same CPU objects, SYSCFG request and RAM size as the last host need no hash.
  if (last !== null && sameObjects(last.host, host)) return last.state;
  let h = settingsHash(host);
  for (const cpu of host.cpus) h = mix(h, cpuHash(cpu));
  const state = hostCache.get(small(h), host, (x) => new HostState(x));
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
