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
  it("keeps the state of the last host for a host with the same CPU objects, SYSCFG request and RAM size", () => {
    const h = host();
    const state = hostStateOf(h);
    expect(hostStateOf({ ...h, cpus: h.cpus.slice() })).toBe(state);
    // decodeAssist is not part of what boot derives.
    expect(hostStateOf({ ...h, decodeAssist: false })).toBe(state);
  });

  it("gives a host of other CPU objects, order, SYSCFG request, RAM size or what-if a state of its own", () => {
    const h = host();
    const state = hostStateOf(h);
    const others = [
      host(), // equal by value only
      { ...h, cpus: [h.cpus[1]!, h.cpus[0]!] },
      { ...h, memEncrypt: false },
      { ...h, ramBytes: 0x2000000000n },
      { ...h, reductionReserved: false },
    ];
    for (const other of others) {
      expect(hostStateOf(other)).not.toBe(state);
      hostStateOf(h); // the last host again
    }
  });

  it("decodes each CPU's hardware as hardwareOf does", () => {
    const h = host();
    expect(hostStateOf(h).hardware).toEqual(h.cpus.map((cpu) => hardwareOf(cpu, true, h.ramBytes)));
  });

  it("answers the same host object again (A, B and the diff run one scenario in turn)", () => {
    const h = host({ ramBytes: 0x5000000000n });
    const state = hostStateOf(h);
    expect(hostStateOf(h)).toBe(state);
    expect(new Machine(scenario({ cpus: h.cpus })).hostState).not.toBe(state);
  });

  it("computes a derived value once per host and owner", () => {
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
    const cpus = [EPYC_9124(), MATISSE()]; // one host: the same CPU objects in every run
    const s = () =>
      scenario({
        cpus: cpus.slice(),
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
  // One host: X and Y run on the same CPU objects.
  const hostCpus = [EPYC_9124(), amdCpu({ addrSizes: 0x3030, cbit: 51, red: 5 })];
  const cpus = () => hostCpus.slice();
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
      // X and Y start from the same kept boot state and decode.
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
