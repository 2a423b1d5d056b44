import { describe, expect, it } from "vitest";
import { scenarioToText } from "../../src/scenario/codec";
import { compareSize, scenarioSize } from "../../src/store/scenario-size";
import { baseScenario, MATISSE } from "../support/scenarios";
import { withSteps } from "./fixtures";

describe("scenario size", () => {
  it("counts CPUs, ranges, steps, then the text length", () => {
    const s = baseScenario();
    expect(scenarioSize(s)).toEqual([1, 2, 4, scenarioToText(s).length]);
  });

  it("leaves note and expectation out", () => {
    const s = baseScenario();
    expect(scenarioSize({ ...s, note: "long words ".repeat(50), expect: { posted: ["a", "b"] } })).toEqual(
      scenarioSize(s),
    );
  });

  it("orders by CPUs first: fewer CPUs win over fewer steps", () => {
    const twoCpusOneStep = {
      ...withSteps(1),
      host: {
        ...withSteps(1).host,
        cpus: [
          { vendor: "AuthenticAMD", cpuid: MATISSE },
          { vendor: "AuthenticAMD", cpuid: MATISSE },
        ],
      },
    };
    expect(compareSize(withSteps(4), twoCpusOneStep)).toBeLessThan(0);
    expect(compareSize(twoCpusOneStep, withSteps(4))).toBeGreaterThan(0);
  });

  it("orders by ranges before steps", () => {
    const oneRange = { ...withSteps(4), memory: withSteps(4).memory.slice(0, 1) };
    expect(compareSize(oneRange, withSteps(1))).toBeLessThan(0);
  });

  it("orders by steps, then by text length", () => {
    expect(compareSize(withSteps(1), withSteps(2))).toBeLessThan(0);
    const s = withSteps(1);
    const shorter = { ...s, steps: [{ ...s.steps[0]!, gpa: 0x10n }] };
    expect(scenarioToText(shorter).length).toBeLessThan(scenarioToText(s).length);
    expect(compareSize(shorter, s)).toBeLessThan(0);
    expect(compareSize(s, shorter)).toBeGreaterThan(0);
    expect(compareSize(s, withSteps(1))).toBe(0);
  });
});
