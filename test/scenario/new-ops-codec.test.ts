// The JSON form of the ops and host knobs added for sensitivity: read, written back the same, and checked.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/scenario/json-reader";
import { encodeScenario, parseScenario, scenarioToText } from "../../src/scenario/codec";
import { scenario } from "../port/fixtures";

function errorOf(value: unknown): string {
  try {
    parseScenario(JSON.stringify(value), "x.json");
  } catch (e) {
    if (e instanceof InputError) return e.line();
    throw e;
  }
  return "accepted";
}

const sc = scenario({
  steps: [
    { op: "ghcb", gpa: 0x1000n, guestWrite: true },
    { op: "wallclock", gpa: 0x2040n, cpu: 0 },
    { op: "vmd-pvclock", gpa: 0x3000n },
    { op: "ghcb-msr", gpa: 0x8000001f40000004n },
  ],
});
sc.host.pvEntries = 3;
sc.host.reductionReserved = false;

describe("new ops and host knobs in JSON", () => {
  it("round-trip", () => {
    const text = scenarioToText(sc);
    expect(parseScenario(text)).toEqual(sc);
    const json = encodeScenario(sc) as { host: Record<string, unknown>; steps: Record<string, unknown>[] };
    expect(json.host.pvEntries).toBe(3);
    expect(json.host.reductionReserved).toBe(false);
    expect(json.steps[0]).toEqual({ op: "ghcb", gpa: "0x1000", guestWrite: true });
    expect(json.steps[3]).toEqual({ op: "ghcb-msr", gpa: "0x8000001f40000004" });
  });

  it("name the path and the rule of a bad value", () => {
    const j = JSON.parse(scenarioToText(sc));
    j.steps[3].gpa = "0x1000";
    expect(errorOf(j)).toBe(
      "x.json: steps[3].gpa: a GHCB MSR protocol value has GHCBInfo (bits 11:0) set; 0 names a GHCB page",
    );
    const k = JSON.parse(scenarioToText(sc));
    k.host.pvEntries = -1;
    expect(errorOf(k)).toMatch(/^x\.json: host\.pvEntries: /);
    const m = JSON.parse(scenarioToText(sc));
    m.steps[1].guestWrite = true;
    expect(errorOf(m)).toMatch(/^x\.json: steps\[1\]/);
    const n = JSON.parse(scenarioToText(sc));
    n.guest = { sev: false, sevEs: false };
    expect(errorOf(n)).toBe('x.json: steps[0].op: "ghcb" needs an SEV-ES guest (guest.sevEs)');
  });
});
