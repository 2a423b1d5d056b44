import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import { hostStateOf } from "../../src/cpu/host-state";
import { Machine } from "../../src/cpu/machine";
import { runScenario } from "../../src/cpu/vcpu";
import { diffOutcomes } from "../../src/diff/diff";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import type { PortHypervisor } from "../../src/port/hypervisor";
import { createSampler } from "../../src/scenario/sampler";
import type { HostConfig, Scenario } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, MMIO_BAR, SEV, amdCpu, scenario } from "../port/fixtures";

const host = (over: Partial<HostConfig> = {}): HostConfig => ({
  cpus: [EPYC_9124(), MATISSE()],
  memEncrypt: true,
  decodeAssist: true,
  ramBytes: 0x1000000000n,
  ...over,
});

describe("hostStateOf", () => {
  it("keeps a host from its second sight on, for every host of the same value", () => {
    const once = hostStateOf(host());
    const kept = hostStateOf(host());
    expect(kept).not.toBe(once); // a host seen once is not kept (most never come back)
    expect(kept.hardware).toEqual(once.hardware);
    expect(hostStateOf(host())).toBe(kept);
    // decodeAssist is not part of what boot derives.
    expect(hostStateOf(host({ decodeAssist: false }))).toBe(kept);
  });

  it("tells hosts apart by CPU order, SYSCFG request, RAM size and any register", () => {
    hostStateOf(host());
    const base = hostStateOf(host());
    expect(hostStateOf(host({ cpus: [MATISSE(), EPYC_9124()] }))).not.toBe(base);
    expect(hostStateOf(host({ memEncrypt: false }))).not.toBe(base);
    expect(hostStateOf(host({ ramBytes: 0x2000000000n }))).not.toBe(base);
    const changed = EPYC_9124();
    changed.cpuid.get(0x8000001f)!.ecx ^= 1;
    expect(hostStateOf(host({ cpus: [changed, MATISSE()] }))).not.toBe(base);
    const intel = { ...EPYC_9124(), vendor: "GenuineIntel" };
    expect(hostStateOf(host({ cpus: [intel, MATISSE()] }))).not.toBe(base);
  });

  it("decodes each CPU's hardware as hardwareOf does", () => {
    const h = host();
    expect(hostStateOf(h).hardware).toEqual(h.cpus.map((cpu) => hardwareOf(cpu, true, h.ramBytes)));
  });

  it("is not changed by a host changed after it was kept", () => {
    const h = host({ ramBytes: 0x3000000000n });
    hostStateOf(h);
    const state = hostStateOf(host({ ramBytes: 0x3000000000n }));
    h.cpus[0]!.cpuid.get(0x8000001f)!.ebx = 0;
    expect(hostStateOf({ ...h, cpus: h.cpus.slice() })).not.toBe(state);
    expect(hostStateOf(host({ ramBytes: 0x3000000000n }))).toBe(state);
  });

  it("answers the same host object again without hashing it (A, B and the diff run one scenario in turn)", () => {
    const h = host({ ramBytes: 0x5000000000n });
    const state = hostStateOf(h);
    expect(hostStateOf(h)).toBe(state);
    expect(new Machine(scenario({ cpus: h.cpus })).hostState).not.toBe(state);
  });

  it("computes a derived value once per host and owner", () => {
    hostStateOf(host({ ramBytes: 0x4000000000n }));
    const state = hostStateOf(host({ ramBytes: 0x4000000000n }));
    let calls = 0;
    const owner = {};
    expect(state.derive(owner, () => ++calls)).toBe(1);
    expect(state.derive(owner, () => ++calls)).toBe(1);
    expect(state.derive({}, () => ++calls)).toBe(2);
  });

  it("leaves every run as a run on a fresh host would be (the port's boot state, B's decode, the diff)", () => {
    const a = implementation("posted");
    const b = implementation("reference");
    const s = () =>
      scenario({
        cpus: [EPYC_9124(), MATISSE()],
        steps: [{ op: "access", gpa: 0xf0000000n, kind: "read", size: 4 }],
      });
    const first = [runScenario(s(), a.factory), runScenario(s(), b.factory)] as const;
    const again = [runScenario(s(), a.factory), runScenario(s(), b.factory)] as const;
    expect(again).toEqual(first);
    expect(new Machine(s()).hostState).toBe(new Machine(s()).hostState);
    const third = [runScenario(s(), a.factory), runScenario(s(), b.factory)] as const;
    expect(third).toEqual(first);
    expect(diffOutcomes(s(), ...again)).toEqual(diffOutcomes(s(), ...first));
  });
});

describe("runs on a shared host state", () => {
  const a = implementation("posted");
  const b = implementation("reference");
  const ramBytes = 0x7000000000n;
  const cpus = () => [EPYC_9124(), amdCpu({ addrSizes: 0x3030, cbit: 51, red: 5 })];
  // X: an SEV-ES guest's MMIO access, GHCB and pvclock on the boot CPU and the second CPU.
  const x = (): Scenario => ({
    ...scenario({ cpus: cpus(), ramBytes }),
    steps: [
      { op: "access", gpa: MMIO_BAR, kind: "read", size: 4, cpu: 1 },
      { op: "access", gpa: 0x2000n, kind: "write", size: 8, cpu: 1 },
      { op: "ghcb", gpa: 0x2000n, cpu: 0 },
      { op: "access", gpa: 0x3000n, kind: "write", size: 8, cpu: 0 },
      { op: "pvclock", gpa: 0x3000n, cpu: 1 },
      { op: "access", gpa: MMIO_BAR, kind: "write", size: 4, cpu: 0 },
    ],
  });
  // Y: the same host without decode assist, an SEV guest, other steps.
  const y = (): Scenario => ({
    ...scenario({ cpus: cpus(), ramBytes, decodeAssist: false, guest: SEV }),
    steps: [
      { op: "access", gpa: MMIO_BAR, kind: "fetch", size: 1, cpu: 1 },
      { op: "wallclock", gpa: 0x4000n, cpu: 0 },
    ],
  });

  it("gives scenario X, run after Y on the same host, exactly the outcomes and findings of X alone", () => {
    const alone = runPair(x(), a, b);
    expect(alone.a?.steps.length).toBe(6);
    expect(alone.findings.length).toBeGreaterThan(0);
    expect(alone.b?.steps.length).toBe(6);
    const yAlone = runPair(y(), a, b);
    for (let i = 0; i < 3; i++) {
      // From the second round on, the host is kept: X and Y start from the same cached boot state and decode.
      expect(runPair(x(), a, b)).toEqual(alone);
      expect(runPair(y(), a, b)).toEqual(yAlone);
    }
    expect(new Machine(x()).hostState).toBe(new Machine(y()).hostState);
  });

  it("starts each run of the port from its own copy of the boot state: what a run writes stays in it", () => {
    const s = x();
    hostStateOf(s.host);
    const run = (sc: Scenario) => {
      const hv = a.factory(new Machine(sc), sc) as PortHypervisor;
      expect(hv.createVm()).toBe(0);
      return hv.k;
    };
    const first = run(s);
    const fresh = {
      g: { ...first.g },
      cpus: first.cpus.map((ci) => ({ ...ci, ci_vmm_cap: structuredClone(ci.ci_vmm_cap) })),
    };
    first.g.amd64_pos_cbit = 0;
    first.cpus[0]!.ci_feature_amdsev_ebx = 0;
    first.cpus[1]!.ci_vmm_cap.vcc_svm.svm_decode_assist = 0;
    const second = run(x());
    expect(second.g).toEqual(fresh.g);
    expect(second.cpus).toEqual(fresh.cpus);
    expect(second.cpus[0]).not.toBe(first.cpus[0]);
  });

  it("gives sampled scenarios the same outcomes and findings in any order of runs", () => {
    const sampler = createSampler(11);
    const scenarios = Array.from({ length: 300 }, () => sampler.next());
    const forwards = scenarios.map((s) => runPair(s, a, b));
    const backwards = [...scenarios]
      .reverse()
      .map((s) => runPair(s, a, b))
      .reverse();
    const again = scenarios.map((s) => runPair(s, a, b));
    expect(backwards).toEqual(forwards);
    expect(again).toEqual(forwards);
  });
});
