// Replays every file of corpus/ and crashes/: each must still give the result it recorded.
import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { labelFindings } from "../src/diff/labels";
import { runPair } from "../src/diff/run-pair";
import { baselineImplementation, baselineName, implementation, implementationNames } from "../src/impls";
import { sideBySide } from "../src/report/side-by-side";
import { parseScenario } from "../src/scenario/codec";
import type { Scenario } from "../src/scenario/types";
import { corpusFiles } from "../src/store/corpus";
import { CrashStore } from "../src/store/crash-store";

function explain(scenario: Scenario, impl: string, against: string): string {
  const { a, b } = runPair(scenario, implementation(impl), implementation(against));
  return a && b ? sideBySide(a, b, scenario.steps) : "(an implementation threw)";
}

function signatures(scenario: Scenario, impl: string, against: string): string[] {
  const { findings } = runPair(scenario, implementation(impl), implementation(against));
  return [...new Set(findings.map((f) => f.signature))].sort();
}

const corpus = corpusFiles("corpus");
const crashes = new CrashStore("crashes").all();

describe("corpus/ regression", () => {
  it("holds the seed corpus", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(18);
  });

  for (const file of corpus) {
    it(`${file} gives its recorded signatures`, () => {
      const scenario = parseScenario(readFileSync(file, "utf8"), file);
      expect(scenario.expect, `${file} has no expectation`).toBeDefined();
      for (const [impl, expected] of Object.entries(scenario.expect!)) {
        if (!implementationNames().includes(impl)) continue;
        const actual = signatures(scenario, impl, "reference");
        expect(actual, `${file} (${impl} vs reference) changed:\n${explain(scenario, impl, "reference")}`).toEqual(
          expected,
        );
      }
    });

    it(`${file} labels each posted finding: reach over the catalog, introduced against pre-patch, basis`, () => {
      const scenario = parseScenario(readFileSync(file, "utf8"), file);
      const [a, b] = [implementation("posted"), implementation("reference")];
      const labelled = labelFindings(scenario, runPair(scenario, a, b).findings, a, b, implementation("pre-patch"));
      const before = new Set(signatures(scenario, "pre-patch", "reference"));
      for (const f of labelled) {
        expect(f.introduced, f.signature).toBe(!before.has(f.signature));
        expect(f.reach.kind === "real-cpu", f.signature).toBe(f.reach.realProfiles.length > 0);
        expect(f.basis === "policy", f.signature).toBe(f.policyRules.length > 0);
      }
    });
  }
});

describe("crashes/ regression", () => {
  it("loads every finding file of crashes/", () => {
    expect(() => new CrashStore("crashes")).not.toThrow();
  });

  for (const f of crashes) {
    it(`${f.class} ${f.signature} still reproduces`, () => {
      const actual = signatures(f.scenario, f.impl, f.against);
      expect(actual, `no longer reproduces:\n${explain(f.scenario, f.impl, f.against)}`).toContain(f.signature);
    });

    it(`${f.signature} replays with its recorded reach, introduced and basis`, () => {
      const [a, b] = [implementation(f.impl), implementation(f.against)];
      const baseline = baselineImplementation(f.baseline);
      expect(f.baseline).toBe(baselineName(undefined, f.impl));
      const found = runPair(f.scenario, a, b).findings.filter((x) => x.signature === f.signature);
      const [labelled] = labelFindings(f.scenario, found, a, b, baseline);
      const { reach, introduced, basis, policyRules } = labelled!;
      expect({ reach, introduced, basis, policyRules }).toEqual({
        reach: f.reach,
        introduced: f.introduced,
        basis: f.basis,
        policyRules: f.policyRules,
      });
    });
  }
});
