// Shrinks a scenario to a smaller one that still shows the same signature: fewer CPUs, steps and ranges, then
// simpler values (real-profile CPUID, round addresses). Deterministic: a bound on candidates, not on time, decides
// where it stops; the time bound is a safety net reported when hit.
import { CATALOG, PROFILES, cpuFromFields, fieldsOfCpu, type CpuFields } from "../scenario/profiles";
import type { CpuidRegs, HostCpu, Scenario, Step } from "../scenario/types";
import { checkScenario } from "../scenario/validate";
import { scenarioSize } from "../store/scenario-size";

export interface MinimizeOptions {
  /** Candidates tried at most. */
  maxCandidates: number;
  /** Wall-clock bound in milliseconds (a safety net; hitting it is reported). */
  timeLimitMs: number;
  /** Known-good CPU profiles to move CPUID toward, simplest first. */
  profiles: readonly HostCpu[];
  /**
   * Real hosts, tried before anything else: the whole host made of one such CPU with memory encryption on. A
   * finding a real part reaches is then stored with that part's profile.
   */
  realHosts?: readonly HostCpu[];
}

/** The catalog's real CPUs (the patch author's host first), then the QEMU guest view: what the minimizer moves to. */
export function minimizerProfiles(): HostCpu[] {
  return [...CATALOG.map((e) => e.cpu), PROFILES["qemu-sev-guest"].cpu];
}

/** The catalog's real CPUs, for the minimizer's first candidates. */
export function realHostProfiles(): HostCpu[] {
  return CATALOG.map((e) => e.cpu);
}

export interface MinimizeResult {
  scenario: Scenario;
  candidates: number;
  timedOut: boolean;
}

type Test = (s: Scenario) => boolean;

const DEFAULT_RAM = 0x1000000000n;

function withSteps(s: Scenario, steps: Step[]): Scenario {
  return { ...s, steps };
}

function dropCpu(s: Scenario, keep: (i: number) => boolean): Scenario {
  const index = new Map<number, number>();
  const cpus = s.host.cpus.filter((_, i) => {
    if (!keep(i)) return false;
    index.set(i, index.size);
    return true;
  });
  const steps = s.steps.flatMap((st) => {
    const cpu = st.cpu ?? 0;
    if (!index.has(cpu)) return [];
    const mapped = index.get(cpu)!;
    const { cpu: _drop, ...rest } = st;
    return [(mapped === 0 ? rest : { ...rest, cpu: mapped }) as Step];
  });
  return { ...s, host: { ...s.host, cpus }, steps };
}

function setLeaf(cpu: HostCpu, leaf: number, regs: CpuidRegs | null): HostCpu {
  const cpuid = new Map(cpu.cpuid);
  if (regs === null) cpuid.delete(leaf);
  else cpuid.set(leaf, regs);
  return { ...cpu, cpuid };
}

function replaceCpu(s: Scenario, i: number, cpu: HostCpu): Scenario {
  const cpus = s.host.cpus.slice();
  cpus[i] = cpu;
  return { ...s, host: { ...s.host, cpus } };
}

/** The scenario on a one-CPU host of `cpu` with memory encryption on, every step on that CPU. */
function onRealHost(s: Scenario, cpu: HostCpu): Scenario {
  const one = dropCpu(s, (i) => i === 0);
  const steps = s.steps.map((st) => {
    const { cpu: _c, ...rest } = st;
    return rest as Step;
  });
  return { ...one, host: { ...one.host, cpus: [cpu], memEncrypt: true }, steps };
}

/** Candidate simplifications of one scenario, real hosts first, then the biggest cuts. */
function* candidates(s: Scenario, profiles: readonly HostCpu[], realHosts: readonly HostCpu[]): Generator<Scenario> {
  for (const cpu of realHosts) yield onRealHost(s, cpu);
  // A drained pool: on a real host, with fewer free entries (a real CPU may need a smaller pool to show it).
  const pv = s.host.pvEntries;
  if (pv !== undefined) {
    for (const cpu of realHosts) {
      for (let left = pv - 1; left >= 0; left--) yield withPool(onRealHost(s, cpu), left);
    }
  }
  // One CPU, then fewer CPUs.
  if (s.host.cpus.length > 1) {
    for (let k = 0; k < s.host.cpus.length; k++) yield dropCpu(s, (i) => i === k);
    for (let k = s.host.cpus.length - 1; k >= 0; k--) yield dropCpu(s, (i) => i !== k);
  }
  // Fewer steps: halves, then single steps from the end.
  const n = s.steps.length;
  if (n > 1) {
    yield withSteps(s, s.steps.slice(0, Math.ceil(n / 2)));
    yield withSteps(s, s.steps.slice(Math.floor(n / 2)));
  }
  for (let k = n - 1; k >= 0; k--)
    yield withSteps(
      s,
      s.steps.filter((_, i) => i !== k),
    );
  // Fewer memory ranges.
  for (let k = s.memory.length - 1; k >= 0; k--) yield { ...s, memory: s.memory.filter((_, i) => i !== k) };
  // Identical CPUs: every CPU like the first.
  for (let k = 1; k < s.host.cpus.length; k++) yield replaceCpu(s, k, s.host.cpus[0]!);
  // CPUID toward a real profile: the whole table, then leaf by leaf.
  for (let i = 0; i < s.host.cpus.length; i++) {
    const cpu = s.host.cpus[i]!;
    for (const p of profiles) yield replaceCpu(s, i, { ...p, vendor: cpu.vendor });
    // Field by field (PhysAddrSize, C-bit, PhysAddrReduction, …), toward each profile in turn.
    const mine = fieldsOfCpu(cpu);
    for (const p of profiles) {
      const theirs = fieldsOfCpu(p);
      for (const k of Object.keys(mine) as (keyof CpuFields)[]) {
        if (k === "vendor" || mine[k] === theirs[k]) continue;
        yield replaceCpu(s, i, cpuFromFields({ ...mine, [k]: theirs[k] }));
      }
    }
    for (const leaf of cpu.cpuid.keys()) {
      if (leaf !== 0x80000000 && leaf !== 0x80000008 && leaf !== 0x8000001f)
        yield replaceCpu(s, i, setLeaf(cpu, leaf, null));
    }
    if (cpu.vendor !== "AuthenticAMD") yield replaceCpu(s, i, { ...cpu, vendor: "AuthenticAMD" });
  }
  // Host: round RAM size, no decode assist.
  if (s.host.ramBytes !== DEFAULT_RAM) yield { ...s, host: { ...s.host, ramBytes: DEFAULT_RAM } };
  if (s.host.decodeAssist) yield { ...s, host: { ...s.host, decodeAssist: false } };
  // One vcpu, then the steps on vcpu 0.
  if (s.guest.vcpus !== undefined) {
    const { vcpus: _v, ...oneVcpu } = s.guest;
    yield { ...s, guest: oneVcpu, steps: s.steps.map(({ vcpu: _s, ...st }) => st as Step) };
  }
  for (let k = 0; k < s.steps.length; k++) {
    const st = s.steps[k]!;
    if (st.vcpu !== undefined && st.vcpu !== 0)
      yield withSteps(
        s,
        s.steps.map((x, i) => (i === k ? { ...x, vcpu: 0 } : x)),
      );
  }
  if (pv !== undefined) {
    const { pvEntries: _, ...unlimited } = s.host;
    yield { ...s, host: unlimited };
    if (pv > 0) yield withPool(s, pv - 1);
  }
  // Simpler steps: CPU 0, no walk flag, a read of 4 bytes, a page-aligned address.
  for (let k = 0; k < s.steps.length; k++) {
    const st = s.steps[k]!;
    const put = (next: Step) =>
      withSteps(
        s,
        s.steps.map((x, i) => (i === k ? next : x)),
      );
    if (st.cpu !== undefined) {
      const { cpu: _c, ...rest } = st;
      yield put(rest as Step);
    }
    if (st.op === "access") {
      if (st.walk !== undefined) {
        const { walk: _w, ...rest } = st;
        yield put(rest);
      }
      if (st.kind !== "read") yield put({ ...st, kind: "read" });
      if (st.size !== 4) yield put({ ...st, size: 4 });
    }
    if (st.op === "mmio-nae" && st.size !== 4) yield put({ ...st, size: 4 });
    if (st.op === "mmio-nae" && st.write) yield put({ ...st, write: false });
    if ((st.gpa & 0xfffn) !== 0n) yield put({ ...st, gpa: st.gpa & ~0xfffn });
  }
}

function withPool(s: Scenario, pvEntries: number): Scenario {
  return { ...s, host: { ...s.host, pvEntries } };
}

function isValid(s: Scenario): boolean {
  return checkScenario(s) === null;
}

/** How far a scenario is from the simplest: CPU fields away from the nearest profile, and unround step values. */
function distance(s: Scenario, profiles: readonly CpuFields[]): number {
  let d = s.host.ramBytes === DEFAULT_RAM ? 0 : 1;
  if (s.host.decodeAssist) d++;
  // A limited pool is a knob away from the default; fewer free entries count as nearer (down to none).
  if (s.host.pvEntries !== undefined) d += 1 + s.host.pvEntries;
  if (s.guest.vcpus !== undefined) d += s.guest.vcpus;
  for (const cpu of s.host.cpus) {
    const mine = fieldsOfCpu(cpu);
    let nearest = Infinity;
    for (const p of profiles) {
      let diff = mine.vendor === p.vendor ? 0 : 1;
      for (const k of Object.keys(mine) as (keyof CpuFields)[]) if (k !== "vendor" && mine[k] !== p[k]) diff++;
      nearest = Math.min(nearest, diff);
    }
    d += nearest === Infinity ? 0 : nearest;
  }
  for (const st of s.steps) {
    if (st.cpu !== undefined) d++;
    if (st.vcpu !== undefined && st.vcpu !== 0) d++;
    if ((st.gpa & 0xfffn) !== 0n) d++;
    if (st.op === "access")
      d += (st.walk !== undefined ? 1 : 0) + (st.kind !== "read" ? 1 : 0) + (st.size !== 4 ? 1 : 0);
    if (st.op === "mmio-nae") d += (st.size !== 4 ? 1 : 0) + (st.write ? 1 : 0);
  }
  return d;
}

/** Negative when `a` is simpler than `b`: fewer CPUs, ranges, steps, then closer to the profiles, then shorter. */
function compareSimplicity(a: Scenario, b: Scenario, profiles: readonly CpuFields[]): number {
  const sa = scenarioSize(a);
  const sb = scenarioSize(b);
  for (let i = 0; i < 3; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
  const byDistance = distance(a, profiles) - distance(b, profiles);
  return byDistance !== 0 ? byDistance : sa[3]! - sb[3]!;
}

/**
 * Shrinks `start` while `test` holds; `test(start)` is assumed true. Only strictly simpler candidates are tried, so
 * the search cannot wander or cycle; the first simpler candidate that still shows the signature is taken.
 */
export function minimize(start: Scenario, test: Test, options: MinimizeOptions): MinimizeResult {
  const deadline = Date.now() + options.timeLimitMs;
  const profileFields = options.profiles.map(fieldsOfCpu);
  let best = start;
  let tried = 0;
  let improved = true;
  while (improved) {
    improved = false;
    for (const candidate of candidates(best, options.profiles, options.realHosts ?? [])) {
      if (tried >= options.maxCandidates) return { scenario: best, candidates: tried, timedOut: false };
      if (Date.now() > deadline) return { scenario: best, candidates: tried, timedOut: true };
      if (!isValid(candidate) || compareSimplicity(candidate, best, profileFields) >= 0) continue;
      tried++;
      if (test(candidate)) {
        best = candidate;
        improved = true;
        break;
      }
    }
  }
  return { scenario: best, candidates: tried, timedOut: false };
}
