import { describe, expect, it } from "vitest";
import { runPair, type Implementation } from "../../src/diff/run-pair";
import { minimize, minimizerProfiles, realHostProfiles, type MinimizeOptions } from "../../src/engine/minimize";
import { implementation } from "../../src/impls";
import { scenarioToText } from "../../src/scenario/codec";
import { CATALOG, PROFILES, catalogEntryNamed } from "../../src/scenario/profiles";
import { PROFILE_ORDER } from "../../src/scenario/space";
import type { Scenario } from "../../src/scenario/types";
import { checkScenario } from "../../src/scenario/validate";
import { compareSize, scenarioSize } from "../../src/store/scenario-size";
import { amdCpu, MMIO_BAR, scenario } from "../port/fixtures";
import { GOOD, LEAKY, leakSignature } from "./fixtures";

const PROFILE_CPUS = PROFILE_ORDER.map((n) => PROFILES[n].cpu);
const OPTIONS: MinimizeOptions = { maxCandidates: 400, timeLimitMs: 60_000, profiles: PROFILE_CPUS };

/** Three CPUs without PhysAddrReduction (48-bit, C-bit 47), eight steps, MMIO accesses among them. */
function bigScenario(): Scenario {
  const cpu = (ecx: number) => amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0, ecx });
  return scenario({
    cpus: [cpu(509), cpu(15), cpu(99)],
    steps: [
      { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
      { op: "access", gpa: 0x201008n, kind: "read", size: 4, cpu: 1 },
      { op: "pvclock", gpa: 0x3000n, cpu: 2 },
      { op: "access", gpa: 0x5000n, kind: "fetch", size: 4 },
      { op: "access", gpa: MMIO_BAR, kind: "read", size: 4, cpu: 2 },
      { op: "access", gpa: 0x200010n, kind: "write", size: 8, cpu: 1 },
      { op: "access", gpa: MMIO_BAR + 0x1000n, kind: "write", size: 2, cpu: 1 },
      { op: "ghcb", gpa: 0x1000n },
    ],
  });
}

function shows(a: Implementation, b: Implementation, signature: string) {
  let calls = 0;
  const test = (s: Scenario) => {
    calls++;
    return runPair(s, a, b).findings.some((f) => f.signature === signature);
  };
  return { test, calls: () => calls };
}

describe("minimize", () => {
  it("shrinks a posted-patch finding on 3 CPUs and 8 steps to 1 CPU and at most 2 steps, keeping its signature", () => {
    // With no reduction, posted maps the MMIO page to host frame 0: the guest reads host RAM.
    const posted = implementation("posted");
    const reference = implementation("reference");
    const sig = leakSignature("sev-es");
    const start = bigScenario();
    expect(runPair(start, posted, reference).findings.map((f) => f.signature)).toContain(sig);
    const { test } = shows(posted, reference, sig);
    const r = minimize(start, test, OPTIONS);
    expect(r.scenario.host.cpus).toHaveLength(1);
    expect(r.scenario.steps.length).toBeLessThanOrEqual(2);
    expect(runPair(r.scenario, posted, reference).findings.map((f) => f.signature)).toContain(sig);
    expect(checkScenario(r.scenario)).toBeNull();
    expect(compareSize(r.scenario, start)).toBeLessThan(0);
    expect(r.timedOut).toBe(false);
  });

  it("is deterministic: the same start and test give the same result", () => {
    const sig = leakSignature("sev-es");
    const options = { ...OPTIONS, maxCandidates: 150 };
    const one = minimize(bigScenario(), shows(LEAKY, GOOD, sig).test, options);
    const two = minimize(bigScenario(), shows(LEAKY, GOOD, sig).test, options);
    expect(scenarioToText(two.scenario)).toBe(scenarioToText(one.scenario));
    expect(two.candidates).toBe(one.candidates);
  });

  it("tests at most maxCandidates candidates, each once", () => {
    for (const max of [0, 1, 5, 30]) {
      const { test, calls } = shows(LEAKY, GOOD, leakSignature("sev-es"));
      const r = minimize(bigScenario(), test, { ...OPTIONS, maxCandidates: max });
      expect(r.candidates).toBeLessThanOrEqual(max);
      expect(calls()).toBe(r.candidates);
    }
  });

  it("returns the start untouched with no candidates to try", () => {
    const start = bigScenario();
    const r = minimize(start, () => true, { ...OPTIONS, maxCandidates: 0 });
    expect(r).toEqual({ scenario: start, candidates: 0, timedOut: false });
  });

  it("reports hitting its time limit and keeps the best so far", () => {
    const start = bigScenario();
    const r = minimize(start, () => true, { ...OPTIONS, timeLimitMs: -1 });
    expect(r.timedOut).toBe(true);
    expect(r.scenario).toBe(start);
  });

  it("only ever hands the test valid scenarios with no more CPUs, ranges and steps than the best, each once", () => {
    let best = bigScenario();
    const tried = new Set<string>();
    const counts = (s: Scenario) => scenarioSize(s).slice(0, 3);
    const r = minimize(
      best,
      (s) => {
        expect(checkScenario(s)).toBeNull();
        const [c, b] = [counts(s), counts(best)];
        expect(c[0]! < b[0]! || (c[0] === b[0] && (c[1]! < b[1]! || (c[1] === b[1] && c[2]! <= b[2]!)))).toBe(true);
        const text = scenarioToText(s);
        expect(tried.has(text)).toBe(false);
        tried.add(text);
        const keep = s.steps.some((st) => st.op === "pvclock");
        if (keep) best = s;
        return keep;
      },
      OPTIONS,
    );
    expect(r.scenario.steps).toEqual([{ op: "pvclock", gpa: 0x3000n }]);
  });

  it("goes down to one read of 4 bytes at a page-aligned MMIO address when the candidates allow", () => {
    const r = minimize(bigScenario(), shows(LEAKY, GOOD, leakSignature("sev-es")).test, {
      ...OPTIONS,
      maxCandidates: 5000,
    });
    expect(r.candidates).toBeLessThan(5000);
    expect(r.scenario.steps).toEqual([{ op: "access", gpa: expect.any(BigInt), kind: "read", size: 4 }]);
    const gpa = r.scenario.steps[0]!.gpa;
    expect(gpa & 0xfffn).toBe(0n);
    expect([0xf0000000n, 0xf0001000n]).toContain(gpa);
    expect(r.scenario.host.cpus).toHaveLength(1);
    expect(r.scenario.host.decodeAssist).toBe(false);
  });

  it("moves CPUID toward a real profile and the vendor to AuthenticAMD", () => {
    const epyc = PROFILES["epyc-9124"].cpu;
    const odd = new Map(epyc.cpuid);
    odd.set(0x80000005, { eax: 1, ebx: 2, ecx: 3, edx: 4 });
    odd.set(0x8000001f, { ...epyc.cpuid.get(0x8000001f)!, ecx: 7 });
    const start = scenario({ cpus: [{ vendor: "GenuineIntel", cpuid: odd }], steps: [] });
    const r = minimize(start, () => true, { ...OPTIONS, profiles: [epyc] });
    expect(r.scenario.host.cpus).toEqual([{ vendor: "AuthenticAMD", cpuid: epyc.cpuid }]);
  });
});

describe("minimize: real hosts first", () => {
  it("stores a finding a real part reaches on that part's profile, memory encryption on", () => {
    // Two exotic CPUs (PhysAddrSize 49, reduction 7): a GHCB on a touched MMIO page
    // still crashes the host under posted; the Zen 2 profile reaches the same.
    const exotic = amdCpu({ addrSizes: 0x3031, cbit: 51, red: 7 });
    const start = scenario({
      cpus: [exotic, exotic],
      memEncrypt: true,
      steps: [
        { op: "access", gpa: MMIO_BAR, kind: "read", size: 4, cpu: 1 },
        { op: "ghcb", gpa: MMIO_BAR & ~0xfffn },
      ],
    });
    const signature = "host-crash|A|direct-map:ghcb|sev-es";
    const { test } = shows(implementation("posted"), implementation("reference"), signature);
    expect(test(start)).toBe(true);
    const zen2 = catalogEntryNamed("zen2-rome")!.cpu;
    const r = minimize(start, test, { ...OPTIONS, realHosts: [zen2] });
    expect(r.scenario.host.cpus).toEqual([zen2]);
    expect(r.scenario.host.memEncrypt).toBe(true);
    expect(r.scenario.steps.every((s) => s.cpu === undefined)).toBe(true);
    // Without real hosts first, the field-by-field moves stop at the nearest profile in the list.
    expect(minimize(start, test, OPTIONS).scenario.host.cpus[0]).not.toEqual(zen2);
  });

  it("drains the pool further when a real host needs a smaller one to show the finding", () => {
    // PhysAddrSize 12: every frame sets bits the CPU reserves, so the page faults again, and entering it again with
    // no entry left panics. On a real CPU the page is mapped at once: the panic needs one entry fewer.
    const start = scenario({
      cpus: [amdCpu({ addrSizes: 0x300c, cbit: 47, red: 5 })],
      guest: { sev: false, sevEs: false },
      steps: [{ op: "access", gpa: 0x1000n, kind: "read", size: 4 }],
    });
    start.host.pvEntries = 2;
    const signature = "host-crash|A|kernel:panic(pmap_enter: no pv entries available)|plain";
    const { test } = shows(implementation("proposed"), implementation("reference"), signature);
    expect(test(start)).toBe(true);
    const zen2 = catalogEntryNamed("zen2-rome")!.cpu;
    expect(test({ ...start, host: { ...start.host, cpus: [zen2] } })).toBe(false);
    const r = minimize(start, test, { ...OPTIONS, realHosts: [zen2] });
    expect(r.scenario.host.cpus).toEqual([zen2]);
    expect(r.scenario.host.pvEntries).toBe(1);
  });

  it("goes down to one vcpu when the finding does not need the second (the smp what-if)", () => {
    const start = scenario({
      steps: [
        { op: "access", gpa: 0x1000n, kind: "write", size: 8, vcpu: 1 },
        { op: "ghcb", gpa: 0x1000n, vcpu: 1 },
        { op: "access", gpa: 0x2000n, kind: "write", size: 8, vcpu: 1 },
        { op: "ghcb", gpa: 0x2000n, vcpu: 1 },
      ],
    });
    start.guest = { ...start.guest, vcpus: 2 };
    const signature = "exit-mismatch|both|ghcb|ram|A:vm-error|B:nothing|sev-es";
    const { test } = shows(implementation("smp"), implementation("reference-smp"), signature);
    expect(test(start)).toBe(true);
    const r = minimize(start, test, OPTIONS);
    expect(r.scenario.guest.vcpus).toBeUndefined();
    expect(r.scenario.steps.every((s) => s.vcpu === undefined)).toBe(true);
  });

  it("tries the catalog's CPUs, then the QEMU guest view, as profiles", () => {
    expect(minimizerProfiles().slice(0, CATALOG.length)).toEqual(CATALOG.map((e) => e.cpu));
    expect(realHostProfiles()).toEqual(CATALOG.map((e) => e.cpu));
  });
});
