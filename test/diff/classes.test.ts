import { describe, expect, it } from "vitest";
import { FINDING_CLASSES, SEVERITY_ORDER, severityOf, severityRank, type FindingClass } from "../../src/diff/classes";

describe("finding classes (architecture.md, Findings)", () => {
  it("carry the severities of the architecture's table", () => {
    expect(Object.fromEntries((Object.keys(FINDING_CLASSES) as FindingClass[]).map((c) => [c, severityOf(c)]))).toEqual(
      {
        "host-memory-exposure": "security",
        "host-crash": "crash",
        "exit-mismatch": "functional",
        "guest-memory-mismatch": "functional",
        "pte-mismatch": "functional",
        "pte-bits": "info",
        "undefined-behaviour": "ub",
        "implementation-error": "bug",
      },
    );
  });

  it("order severities from security to info, each once", () => {
    const all = new Set(Object.values(FINDING_CLASSES).map((c) => c.severity));
    expect(new Set(SEVERITY_ORDER)).toEqual(all);
    expect(SEVERITY_ORDER).toHaveLength(all.size);
    expect(severityRank("security")).toBe(0);
    expect(severityRank("crash")).toBeLessThan(severityRank("functional"));
    expect(severityRank("info")).toBe(SEVERITY_ORDER.length - 1);
  });
});
