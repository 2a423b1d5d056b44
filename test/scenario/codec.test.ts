import { describe, expect, it } from "vitest";
import { parseScenario, scenarioToText } from "../../src/scenario/codec";
import { InputError } from "../../src/scenario/json-reader";
import { baseJson, baseScenario } from "../support/scenarios";

function errorOf(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  try {
    parseScenario(text, "corpus/x.json");
  } catch (e) {
    if (e instanceof InputError) return e.line();
    throw e;
  }
  return "accepted";
}

describe("scenario codec", () => {
  it("reads the architecture document's example", () => {
    const s = parseScenario(scenarioToText(baseScenario()));
    expect(s.host.cpus[0]!.cpuid.get(0x8000001f)!.ebx).toBe(0x16f);
    expect(s.memory[1]).toEqual({ gpa: 0xf0000000n, size: 0x1000000n, type: "mmio" });
    expect(s.steps[0]).toEqual({ op: "access", gpa: 0xf0000010n, kind: "read", size: 4 });
  });

  it("round-trips a scenario through its text", () => {
    const s = baseScenario();
    expect(parseScenario(scenarioToText(s))).toEqual(s);
  });

  it("reads a missing CPUID register as zero", () => {
    const j = baseJson();
    j.host.cpus[0].cpuid["0x80000008"] = { eax: "0x3030" };
    expect(parseScenario(JSON.stringify(j)).host.cpus[0]!.cpuid.get(0x80000008)).toEqual({
      eax: 0x3030,
      ebx: 0,
      ecx: 0,
      edx: 0,
    });
  });

  it("rejects malformed JSON at the root", () => {
    expect(errorOf("{ not json")).toMatch(/^corpus\/x\.json: \(root\): malformed JSON/);
  });

  it("rejects a wrong format tag", () => {
    const j = baseJson();
    j.format = "other/1";
    expect(errorOf(j)).toBe('corpus/x.json: format: must be "vmm-difffuzz.scenario/1"');
  });

  it("rejects unknown fields with their path", () => {
    const j = baseJson();
    j.host.cpus[0].color = "red";
    expect(errorOf(j)).toMatch(/^corpus\/x\.json: host\.cpus\[0\]\.color: unknown field/);
    const k = baseJson();
    k.steps[0].speed = 1;
    expect(errorOf(k)).toMatch(/^corpus\/x\.json: steps\[0\]\.speed: unknown field/);
  });

  it("rejects a missing required field", () => {
    const j = baseJson();
    delete j.host.ramBytes;
    expect(errorOf(j)).toBe("corpus/x.json: host.ramBytes: missing required field");
  });

  it("rejects non-hex values", () => {
    const j = baseJson();
    j.memory[0].gpa = "4096";
    expect(errorOf(j)).toBe('corpus/x.json: memory[0].gpa: must be a hex string like "0x1000"');
    const k = baseJson();
    k.memory[0].size = 4096;
    expect(errorOf(k)).toBe('corpus/x.json: memory[0].size: must be a hex string like "0x1000"');
  });

  it("rejects out-of-range values", () => {
    const j = baseJson();
    j.host.cpus[0].cpuid["0x80000008"].eax = "0x100000000";
    expect(errorOf(j)).toBe("corpus/x.json: host.cpus[0].cpuid.0x80000008.eax: out of range (at most 0xffffffff)");
    const k = baseJson();
    k.steps[0].size = 9;
    expect(errorOf(k)).toBe("corpus/x.json: steps[0].size: must be between 1 and 8");
    const l = baseJson();
    l.host.ramBytes = "0x10000000000000000";
    expect(errorOf(l)).toMatch(/^corpus\/x\.json: host\.ramBytes: must be a hex string/);
  });

  it("rejects a CPUID leaf key that is not hex", () => {
    const j = baseJson();
    j.host.cpus[0].cpuid["leaf8"] = { eax: "0x1" };
    expect(errorOf(j)).toBe('corpus/x.json: host.cpus[0].cpuid.leaf8: must be a hex string like "0x1000"');
  });

  it("rejects unknown step ops and enum values", () => {
    const j = baseJson();
    j.steps[1].op = "teleport";
    expect(errorOf(j)).toBe(
      'corpus/x.json: steps[1].op: must be one of "access", "mmio-nae", "ghcb", "pvclock", "wallclock", "vmd-pvclock", "ghcb-msr"',
    );
    const k = baseJson();
    k.memory[1].type = "rom";
    expect(errorOf(k)).toBe('corpus/x.json: memory[1].type: must be one of "ram", "reserved", "mmio"');
  });

  it("rejects wrong JSON types", () => {
    const j = baseJson();
    j.guest.sev = "yes";
    expect(errorOf(j)).toBe("corpus/x.json: guest.sev: must be true or false");
    const k = baseJson();
    k.memory = {};
    expect(errorOf(k)).toBe("corpus/x.json: memory: must be an array");
  });

  it("rejects a scenario without CPUs", () => {
    const j = baseJson();
    j.host.cpus = [];
    expect(errorOf(j)).toBe("corpus/x.json: host.cpus: needs at least 1 CPUs");
  });
});
