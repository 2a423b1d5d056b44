import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import { hostStateOf } from "../../src/cpu/host-state";
import { Machine } from "../../src/cpu/machine";
import { runScenario } from "../../src/cpu/vcpu";
import { diffOutcomes } from "../../src/diff/diff";
import { implementation } from "../../src/impls";
import type { HostConfig } from "../../src/scenario/types";
import { EPYC_9124, MATISSE, scenario } from "../port/fixtures";

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
