// VMs of more than one vcpu: vmm creates none today (vm_create, "XXX - support UP only (for now)"), and the reference
// refuses them alike (rule vcpuCountValid).
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cpu/vcpu";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { EINVAL } from "../../src/port/errno";
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

describe("the smp what-if: the posted patch in a vmm that creates VMs of several vcpus, against reference-smp", () => {
  const smp = implementation("smp");
  const refSmp = implementation("reference-smp");
  const eventKinds = (sc: Scenario, impl: "smp" | "reference-smp") =>
    runScenario(sc, implementation(impl).factory).steps.map((s) =>
      s.events.filter((e) => e.kind !== "rule").map((e) => e.kind),
    );

  it("both create the VM of two vcpus, and keep refusing more than VMM_MAX_VCPUS_PER_VM", () => {
    expect(runScenario(twoVcpus(), smp.factory).create).toBe(0);
    expect(runScenario(twoVcpus(), refSmp.factory).create).toBe(0);
    const tooMany = { ...twoVcpus(), guest: { ...twoVcpus().guest, vcpus: 65 } };
    expect(runScenario(tooMany, smp.factory).create).toBe(EINVAL);
    expect(runScenario(tooMany, refSmp.factory).create).toBe(EINVAL);
  });

  it("an MMIO entry one vcpu's fault installed is what the other vcpu meets: #VC at once, no exit", () => {
    const sc = twoVcpus({
      steps: [
        { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
        { op: "access", gpa: MMIO_BAR, kind: "read", size: 4, vcpu: 1 },
      ],
    });
    for (const impl of ["smp", "reference-smp"] as const) {
      expect(eventKinds(sc, impl)).toEqual([["npf-exit", "resume", "vc"], ["vc"]]);
    }
    // The posted patch's marker differs from the reference's in bits the CPU treats alike (info only).
    const sigs = runPair(sc, smp, refSmp).findings.map((f) => f.signature);
    expect(sigs.filter((s) => !s.startsWith("pte-bits|"))).toEqual([]);
  });

  it("each vcpu registers its own GHCB: the second vcpu's first GHCB is served on both sides", () => {
    const sc = twoVcpus({
      steps: [
        { op: "access", gpa: 0x1000n, kind: "write", size: 8 },
        { op: "access", gpa: RAM, kind: "write", size: 8, vcpu: 1 },
        { op: "ghcb", gpa: 0x1000n },
        { op: "ghcb", gpa: RAM, vcpu: 1 },
      ],
    });
    const hostGhcbPages = (impl: "smp" | "reference-smp") =>
      runScenario(sc, implementation(impl).factory).steps.map((s) =>
        s.events.flatMap((e) => (e.kind === "host-access" && e.purpose === "ghcb" ? [e.pa & ~0xfffn] : [])),
      );
    const a = hostGhcbPages("smp");
    expect(a[2]!.length).toBeGreaterThan(0);
    expect(a[3]!.length).toBeGreaterThan(0);
    expect(a[3]![0]).not.toBe(a[2]![0]);
    expect(hostGhcbPages("reference-smp").map((p) => [...new Set(p)])).toEqual(a.map((p) => [...new Set(p)]));
  });

  it("a second GHCB of the same vcpu is still the inherited difference (the port keeps the first)", () => {
    const sc = twoVcpus({
      steps: [
        { op: "access", gpa: 0x1000n, kind: "write", size: 8 },
        { op: "access", gpa: RAM, kind: "write", size: 8 },
        { op: "ghcb", gpa: 0x1000n, vcpu: 1 },
        { op: "ghcb", gpa: RAM, vcpu: 1 },
      ],
    });
    const one = { ...sc, guest: { ...sc.guest, vcpus: 1 }, steps: sc.steps.map(({ vcpu: _, ...s }) => s) };
    const sigs = (s: Scenario, a: string, b: string) =>
      runPair(s, implementation(a), implementation(b)).findings.map((f) => f.signature);
    expect(sigs(sc, "smp", "reference-smp")).toEqual(sigs(one, "posted", "reference"));
    expect(sigs(one, "posted", "reference").length).toBeGreaterThan(0);
  });
});
