import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FINDING_CLASSES, type FindingClass } from "../../src/diff/classes";
import { signatureHash } from "../../src/diff/finding";
import { scenarioArbitrary } from "../../src/scenario/arbitraries";
import { InputError } from "../../src/scenario/json-reader";
import {
  decodeFindingFile,
  encodeFindingFile,
  FINDING_FORMAT,
  findingFileName,
  findingOf,
  replayCommand,
  type FindingFile,
} from "../../src/store/finding-file";
import { findingFile } from "./fixtures";

const CLASSES = Object.keys(FINDING_CLASSES) as FindingClass[];

const findingFileArbitrary: fc.Arbitrary<FindingFile> = fc
  .record({
    class: fc.constantFrom(...CLASSES),
    signature: fc.string({ maxLength: 80 }),
    summary: fc.string({ maxLength: 80 }),
    impl: fc.constantFrom("posted", "pre-patch", "reference"),
    against: fc.constantFrom("reference", "posted"),
    step: fc.option(fc.integer({ min: -1, max: 10_000 }), { nil: null }),
    profile: fc.string({ maxLength: 40 }),
    sides: fc.record({ A: fc.array(fc.string(), { maxLength: 4 }), B: fc.array(fc.string(), { maxLength: 4 }) }),
    found: fc.record({
      engine: fc.constantFrom("random", "property", "sweep"),
      seed: fc.nat().map(String),
      execs: fc.nat(),
    }),
    scenario: scenarioArbitrary(),
  })
  .map((r) => ({ ...r, severity: FINDING_CLASSES[r.class].severity }));

/** The JSON value of a valid finding file, to be broken by a test. */
function json(): Record<string, any> {
  return JSON.parse(encodeFindingFile(findingFile()));
}

function decodeError(value: unknown): InputError {
  try {
    decodeFindingFile(JSON.stringify(value));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("decoded without error");
}

describe("finding file encode/decode", () => {
  it("round-trips every generated scenario and finding", () => {
    fc.assert(
      fc.property(findingFileArbitrary, (f) => {
        expect(decodeFindingFile(encodeFindingFile(f))).toEqual(f);
      }),
      { numRuns: 60 },
    );
  });

  it("writes the format tag, the replay command and two-space JSON ending in a newline", () => {
    const text = encodeFindingFile(findingFile());
    const value = JSON.parse(text);
    expect(value.format).toBe(FINDING_FORMAT);
    // The file's own name, no folder: the same finding writes the same bytes into any folder.
    expect(value.replay).toBe(`vmm-difffuzz replay ${findingFileName(findingFile().signature)}`);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toMatch(/^ {2}"format"/);
  });

  it("rejects another format tag, naming the field", () => {
    const v = json();
    v.format = "vmm-difffuzz.finding/2";
    expect(decodeError(v)).toMatchObject({ path: "format" });
  });

  it("rejects a severity that is not its class's", () => {
    const v = json();
    v.severity = "security";
    const e = decodeError(v);
    expect(e.path).toBe("severity");
    expect(e.rule).toContain('"functional" for class exit-mismatch');
  });

  it("rejects an unknown class, an unknown field and a missing field", () => {
    expect(decodeError({ ...json(), class: "oops" }).path).toBe("class");
    expect(decodeError({ ...json(), extra: 1 }).path).toBe("extra");
    const v = json();
    delete v.sides;
    expect(decodeError(v)).toMatchObject({ path: "sides", rule: "missing required field" });
  });

  it("rejects a step out of range and a bad execution count", () => {
    expect(decodeError({ ...json(), step: -2 }).path).toBe("step");
    const v = json();
    v.found.execs = -1;
    expect(decodeError(v).path).toBe("found.execs");
  });

  it("rejects a scenario that breaks a cross-field rule, with the path inside the scenario", () => {
    const v = json();
    v.scenario.guest = { sev: true, sevEs: false };
    const e = decodeError(v);
    expect(e.path).toBe("scenario.steps[1].op");
    expect(e.rule).toContain("SEV-ES");
  });

  it("rejects a scenario with a bad field, with the path inside the scenario", () => {
    const v = json();
    v.scenario.memory[0].size = "4096";
    expect(decodeError(v).path).toBe("scenario.memory[0].size");
  });

  it("rejects text that is not JSON at the root", () => {
    expect(() => decodeFindingFile("{")).toThrow(InputError);
  });
});

describe("names and replay commands", () => {
  it("names a file by the signature's hash", () => {
    expect(findingFileName("a|b")).toBe(`${signatureHash("a|b")}.json`);
  });

  it("replays with the default implementations without flags, and names any other", () => {
    expect(replayCommand(findingFile(), "p.json")).toBe("vmm-difffuzz replay p.json");
    expect(replayCommand(findingFile({ impl: "pre-patch" }), "p.json")).toBe(
      "vmm-difffuzz replay --impl pre-patch p.json",
    );
    expect(replayCommand(findingFile({ impl: "pre-patch", against: "posted" }), "p.json")).toBe(
      "vmm-difffuzz replay --impl pre-patch --against posted p.json",
    );
  });

  it("findingOf gives the finding's class, severity, signature and step", () => {
    const f = findingFile({ step: 3 });
    expect(findingOf(f)).toEqual({ class: f.class, severity: f.severity, signature: f.signature, step: 3 });
  });
});
