import { describe, it, expect } from "vitest";
import { hostRamNeeded } from "../../src/cpu/machine";
import { GiB, PCI_MMIO_BAR_BASE, gapsOf, pageOf, topOf } from "../../src/scenario/memory-maps";
import { PROFILES, fieldsOfCpu, profileOf, type CpuFields } from "../../src/scenario/profiles";
import { createGenSampler, createSampler } from "../../src/scenario/sampler";
import {
  DEFAULT_GENERATOR_OPTIONS,
  contractProblems,
  cpuFieldsGen,
  resolveGeneratorOptions,
  type GeneratorOptions,
} from "../../src/scenario/space";
import { guestKind, type MemRange, type Scenario } from "../../src/scenario/types";
import { checkMemoryMap } from "../../src/scenario/validate";

function sample(n: number, seed: number | string, options?: Partial<GeneratorOptions>): Scenario[] {
  const s = createSampler(seed, options);
  return Array.from({ length: n }, () => s.next());
}

function rangeOf(memory: readonly MemRange[], gpa: bigint): MemRange | undefined {
  return memory.find((r) => gpa >= r.gpa && gpa < r.gpa + r.size);
}

const isVmdShaped = (s: Scenario) => s.memory.some((r) => r.type === "mmio" && r.gpa === PCI_MMIO_BAR_BASE);
const DEFAULTS = sample(4000, "space");

describe("generator options", () => {
  it("resolves to frozen defaults", () => {
    const o = resolveGeneratorOptions();
    expect(o).toEqual(DEFAULT_GENERATOR_OPTIONS);
    expect(o).toEqual({
      maxSteps: 8,
      maxCpus: 4,
      invalidMaps: false,
      guestKinds: ["plain", "sev", "sev-es"],
      profileOnly: false,
      severalVcpus: false,
    });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it.each([{ maxSteps: 0 }, { maxSteps: 257 }, { maxCpus: 0 }, { maxCpus: 1.5 }, { guestKinds: [] }])(
    "refuses %o",
    (bad) => {
      expect(() => resolveGeneratorOptions(bad as Partial<GeneratorOptions>)).toThrow(RangeError);
    },
  );
});

describe("generated scenarios keep the contract", () => {
  it("with the default options", () => {
    for (const s of DEFAULTS) expect(contractProblems(s, DEFAULT_GENERATOR_OPTIONS)).toEqual([]);
  });

  it("with invalid maps requested: flagged invalidMemory exactly when a rule of vmm breaks", () => {
    const options = resolveGeneratorOptions({ invalidMaps: true });
    const all = sample(4000, "invalid", options);
    for (const s of all) expect(contractProblems(s, options)).toEqual([]);
    const invalid = all.filter((s) => s.invalidMemory);
    expect(invalid.length / all.length).toBeGreaterThan(0.15);
    expect(invalid.length / all.length).toBeLessThan(0.35);
    const rules = new Set(invalid.map((s) => checkMemoryMap(s)!.rule));
    for (const rule of [
      /1 to 16/,
      /page aligned/,
      /not be 0/,
      /below 128 GiB/,
      /end at or below/,
      /ascending/,
      /ram or reserved/,
    ]) {
      expect(
        [...rules].some((r) => rule.test(r)),
        `a map breaking ${rule}`,
      ).toBe(true);
    }
  });

  it.each([
    { guestKinds: ["plain"] as const },
    { guestKinds: ["sev", "plain"] as const },
    { maxCpus: 1 },
    { maxCpus: 64, maxSteps: 40 },
    { maxSteps: 1 },
    { profileOnly: true },
  ])("with %o", (partial) => {
    const options = resolveGeneratorOptions(partial as Partial<GeneratorOptions>);
    for (const s of sample(600, "options", options)) expect(contractProblems(s, options)).toEqual([]);
  });

  it("makes no ghcb, ghcb-msr or mmio-nae step for a guest that is not SEV-ES", () => {
    const ops = new Set(sample(1000, 3, { guestKinds: ["plain", "sev"] }).flatMap((s) => s.steps.map((t) => t.op)));
    expect([...ops].sort()).toEqual(["access", "pvclock", "vmd-pvclock", "wallclock"]);
  });
});

describe("CPU fields reach every value, with weight on real profiles and boundaries", () => {
  const fields: CpuFields[] = [];
  const sampler = createGenSampler(cpuFieldsGen(DEFAULT_GENERATOR_OPTIONS), "cpu-fields");
  for (let i = 0; i < 120000; i++) fields.push(sampler.next() as CpuFields);
  const values = (f: (x: CpuFields) => number) => new Set(fields.map(f));
  const share = (p: (x: CpuFields) => boolean) => fields.filter(p).length / fields.length;

  it("reaches every PhysAddrSize 0..255, C-bit 0..63 and PhysAddrReduction 0..63", () => {
    expect(values((f) => f.physAddrSize).size).toBe(256);
    expect(values((f) => f.cBit).size).toBe(64);
    expect(values((f) => f.reduction).size).toBe(64);
    expect(values((f) => f.numVmpl).size).toBe(16);
    expect(values((f) => f.linAddrSize).size).toBe(256);
  });

  it("keeps most CPUs on or near a real profile", () => {
    expect(share((f) => profileOf(f) !== null)).toBeGreaterThan(0.3);
    expect(share((f) => profileOf(f) !== null)).toBeLessThan(0.6);
    expect(share((f) => f.physAddrSize === 48 || f.physAddrSize === 52)).toBeGreaterThan(0.6);
    expect(share((f) => f.vendor === "AuthenticAMD")).toBeGreaterThan(0.85);
    expect(share((f) => f.vendor !== "AuthenticAMD")).toBeGreaterThan(0.01);
  });

  it("makes maximum extended leaves above, below and between the leaves vmm reads", () => {
    expect(share((f) => f.maxExtLeaf >>> 0 >= 0x8000001f)).toBeGreaterThan(0.7);
    expect(share((f) => f.maxExtLeaf >>> 0 < 0x80000008)).toBeGreaterThan(0.01);
    expect(share((f) => f.maxExtLeaf >>> 0 >= 0x80000008 && f.maxExtLeaf >>> 0 < 0x8000001f)).toBeGreaterThan(0.01);
  });

  it("makes reductions as large as PhysAddrSize and C-bits in and at the edges of the reduction window", () => {
    expect(share((f) => f.reduction >= f.physAddrSize)).toBeGreaterThan(0.01);
    expect(
      share((f) => f.reduction > 0 && f.cBit > f.physAddrSize - f.reduction && f.cBit < f.physAddrSize - 1),
    ).toBeGreaterThan(0.005);
    expect(
      share((f) => f.cBit === f.physAddrSize - f.reduction && (f.physAddrSize !== 52 || f.reduction !== 1)),
    ).toBeGreaterThan(0.01);
    expect(share((f) => f.cBit === f.physAddrSize)).toBeGreaterThan(0.01);
    expect(share((f) => f.cBit === f.physAddrSize - f.reduction - 1)).toBeGreaterThan(0.01);
  });

  it("sets the SEV-ES bit on most CPUs and clears SME or SEV on some", () => {
    expect(share((f) => (f.encFeatures & 8) !== 0)).toBeGreaterThan(0.6);
    expect(share((f) => (f.encFeatures & 1) === 0)).toBeGreaterThan(0.05);
    expect(share((f) => (f.encFeatures & 2) === 0)).toBeGreaterThan(0.03);
  });
});

describe("the shape of generated scenarios", () => {
  const share = (p: (s: Scenario) => boolean) => DEFAULTS.filter(p).length / DEFAULTS.length;

  it("favours SEV-ES guests, memory encryption on, one CPU; reaches four CPUs, equal and differing", () => {
    expect(share((s) => guestKind(s.guest) === "sev-es")).toBeCloseTo(0.6, 1);
    expect(share((s) => s.host.memEncrypt)).toBeCloseTo(6 / 7, 1);
    expect(share((s) => s.host.decodeAssist)).toBeCloseTo(0.75, 1);
    expect(share((s) => s.host.cpus.length === 1)).toBeGreaterThan(0.4);
    expect(share((s) => s.host.cpus.length === 4)).toBeGreaterThan(0.05);
    const multi = DEFAULTS.filter((s) => s.host.cpus.length > 1);
    const equal = multi.filter((s) =>
      s.host.cpus.every((c) => JSON.stringify(fieldsOfCpu(c)) === JSON.stringify(fieldsOfCpu(s.host.cpus[0]!))),
    );
    expect(equal.length / multi.length).toBeGreaterThan(0.5);
    expect(equal.length).toBeLessThan(multi.length);
  });

  it("shapes two thirds of the maps like vmd's, some with RAM above 4 GiB, small ones with a gap below the MMIO window", () => {
    expect(share(isVmdShaped)).toBeCloseTo(2 / 3, 1);
    expect(share((s) => s.memory.some((r) => r.gpa === 4n * GiB && r.type === "ram"))).toBeGreaterThan(0.1);
    expect(share((s) => isVmdShaped(s) && gapsOf(s.memory).some((g) => g.end === PCI_MMIO_BAR_BASE))).toBeGreaterThan(
      0.2,
    );
    expect(share((s) => s.memory.length === 16)).toBeGreaterThan(0.005);
    expect(share((s) => s.memory.length === 1)).toBeGreaterThan(0.005);
    expect(share((s) => topOf(s.memory) === 128n * GiB)).toBeGreaterThan(0.005);
  });

  it("gives the host 64 GiB (or the next GiB above the guest's need) mostly, and sometimes exactly the need", () => {
    const roomy = (s: Scenario) => {
      const needed = hostRamNeeded(s.memory);
      return s.host.ramBytes === (needed <= 64n * GiB ? 64n * GiB : (needed + GiB - 1n) & ~(GiB - 1n));
    };
    expect(share(roomy)).toBeGreaterThan(0.75);
    expect(share((s) => s.host.ramBytes === 64n * GiB)).toBeGreaterThan(0.6);
    expect(share((s) => s.host.ramBytes === hostRamNeeded(s.memory))).toBeGreaterThan(0.05);
  });

  it("aims steps at MMIO, at range edges, into gaps, above the top, and at high address bits", () => {
    // A ghcb-msr step's `gpa` is an MSR value, not an address.
    const steps = DEFAULTS.flatMap((s) => s.steps.filter((t) => t.op !== "ghcb-msr").map((step) => ({ s, step })));
    const stepShare = (p: (x: { s: Scenario; step: Scenario["steps"][number] }) => boolean) =>
      steps.filter(p).length / steps.length;
    expect(stepShare(({ s, step }) => rangeOf(s.memory, step.gpa)?.type === "mmio")).toBeGreaterThan(0.25);
    expect(stepShare(({ s, step }) => s.memory.some((r) => step.gpa === r.gpa))).toBeGreaterThan(0.1);
    expect(
      stepShare(({ s, step }) => step.op !== "access" && s.memory.some((r) => step.gpa === r.gpa + r.size - 1n)),
    ).toBeGreaterThan(0.01);
    expect(stepShare(({ s, step }) => s.memory.some((r) => step.gpa === r.gpa + r.size))).toBeGreaterThan(0.03);
    expect(
      stepShare(({ s, step }) => gapsOf(s.memory).some((g) => step.gpa >= g.start && step.gpa < g.end)),
    ).toBeGreaterThan(0.03);
    expect(stepShare(({ s, step }) => step.gpa >= topOf(s.memory))).toBeGreaterThan(0.05);
    expect(stepShare(({ step }) => step.gpa >= 1n << 47n)).toBeGreaterThan(0.02);
    expect(
      stepShare(
        ({ step }) => step.op === "access" && step.size > 1 && (step.gpa & 0xfffn) + BigInt(step.size) === 0x1000n,
      ),
    ).toBeGreaterThan(0.01);
  });

  it("makes every op, kind and size, and walks sometimes", () => {
    const steps = DEFAULTS.flatMap((s) => s.steps);
    expect(new Set(steps.map((t) => t.op)).size).toBe(7);
    expect(steps.some((t) => t.op === "ghcb" && t.guestWrite)).toBe(true);
    const msr = steps.filter((t) => t.op === "ghcb-msr").map((t) => t.gpa & 0xfffn);
    expect(new Set(msr).has(0x004n) && new Set(msr).has(0x100n) && msr.every((info) => info !== 0n)).toBe(true);
    const accesses = steps.filter((t) => t.op === "access");
    expect(new Set(accesses.map((t) => t.kind)).size).toBe(3);
    expect(new Set(accesses.map((t) => t.size))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(accesses.some((t) => t.walk)).toBe(true);
    expect(steps.filter((t) => t.op === "ghcb").every((t) => (t.gpa & 0xfffn) === 0n)).toBe(false);
    expect(steps.filter((t) => t.op === "ghcb" && (t.gpa & 0xfffn) === 0n).length).toBeGreaterThan(
      steps.filter((t) => t.op === "ghcb").length / 2,
    );
  });

  it("revisits pages: a ghcb or pvclock at the page of an earlier MMIO access, repeated accesses", () => {
    const count = (p: (s: Scenario, i: number, j: number) => boolean) =>
      DEFAULTS.filter((s) => s.steps.some((_, j) => s.steps.some((__, i) => i < j && p(s, i, j)))).length;
    const samePage = (s: Scenario, i: number, j: number) => pageOf(s.steps[i]!.gpa) === pageOf(s.steps[j]!.gpa);
    const mmioAccess = (s: Scenario, i: number) =>
      s.steps[i]!.op === "access" && rangeOf(s.memory, s.steps[i]!.gpa)?.type === "mmio";
    expect(count((s, i, j) => samePage(s, i, j) && mmioAccess(s, i) && s.steps[j]!.op === "ghcb")).toBeGreaterThan(20);
    expect(
      count((s, i, j) => samePage(s, i, j) && s.steps[i]!.op === "access" && s.steps[j]!.op === "pvclock"),
    ).toBeGreaterThan(20);
    expect(count((s, i, j) => samePage(s, i, j) && mmioAccess(s, i) && mmioAccess(s, j))).toBeGreaterThan(50);
  });

  it("uses only named profiles with profileOnly", () => {
    for (const s of sample(300, 9, { profileOnly: true })) {
      for (const cpu of s.host.cpus) expect(profileOf(fieldsOfCpu(cpu))).not.toBeNull();
    }
    expect(PROFILES["epyc-9124"].fields.physAddrSize).toBe(52);
  });
});
