// VMs of more than one vcpu: vmm creates none today (vm_create, "XXX - support UP only (for now)"), and the reference
// refuses them alike (rule vcpuCountValid).
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cpu/vcpu";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { EINVAL } from "../../src/port/vmm";
import { parseScenario, scenarioToText } from "../../src/scenario/codec";
import { checkScenario } from "../../src/scenario/validate";
import type { Scenario } from "../../src/scenario/types";
import { referenceFactory } from "../../reference";
import { MMIO_BAR, scenario } from "../port/fixtures";

const RAM = 0x2000n;

function twoVcpus(over: Partial<Scenario> = {}): Scenario {
  const base = scenario(over);
  return { ...base, guest: { ...base.guest, vcpus: 2 } };
}

describe("the vcpu fields", () => {
  it("round-trip through the JSON format, and a single-vcpu scenario writes neither", () => {
    const sc = twoVcpus({ steps: [{ op: "access", gpa: RAM, kind: "read", size: 4, vcpu: 1 }] });
    const text = scenarioToText(sc);
    expect(text).toContain('"vcpus": 2');
    expect(text).toContain('"vcpu": 1');
    expect(parseScenario(text)).toEqual(sc);
    expect(scenarioToText(scenario({}))).not.toMatch(/vcpu/);
  });

  it("a step naming a vcpu the guest does not have breaks a rule of the format", () => {
    const sc = scenario({ steps: [{ op: "access", gpa: RAM, kind: "read", size: 4, vcpu: 1 }] });
    expect(checkScenario(sc)).toEqual({
      path: "steps[0].vcpu",
      rule: "names vcpu 1, but the guest has 1 (guest.vcpus)",
    });
    expect(checkScenario(twoVcpus({ steps: sc.steps }))).toBeNull();
  });
});

describe("under vmm's UP-only contract", () => {
  const sc = twoVcpus({
    steps: [
      { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
      { op: "access", gpa: MMIO_BAR, kind: "read", size: 4, vcpu: 1 },
    ],
  });

  it("the port's vm_create refuses two vcpus with EINVAL, on every tree", () => {
    for (const name of ["pre-patch", "posted", "proposed"]) {
      const out = runScenario(sc, implementation(name).factory);
      expect(out.create).toBe(EINVAL);
      expect(out.steps).toEqual([]);
    }
  });

  it("the reference refuses them alike (rule vcpuCountValid), so the pair agrees", () => {
    const out = runScenario(sc, referenceFactory);
    expect(out.create).toBe(EINVAL);
    expect(out.createReason).toBe("vcpuCountValid");
    expect(runPair(sc, implementation("posted"), implementation("reference")).findings).toEqual([]);
  });
});
