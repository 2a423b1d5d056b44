import { describe, expect, it } from "vitest";
import {
  FINDING_CLASSES,
  REGISTRY,
  SEVERITIES,
  SEVERITY_ORDER,
  severityOf,
  severityOrder,
  severityRank,
  type FindingClass,
  type Registry,
} from "../../src/diff/classes";

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

describe("the registry of severities", () => {
  it("ranks each severity once, from 0, and gives each its own colour, cell code and short name", () => {
    const entries = Object.values(SEVERITIES);
    expect(entries.map((e) => e.rank).sort()).toEqual(entries.map((_, i) => i));
    for (const field of ["colour", "cell", "short", "label"] as const)
      expect(new Set(entries.map((e) => e[field])).size, field).toBe(entries.length);
    for (const e of entries) {
      expect(e.colour).toMatch(/^#[0-9A-F]{6}$/);
      expect(e.cell).toHaveLength(1);
      expect([" ", "."]).not.toContain(e.cell);
    }
  });

  it("orders severities by rank, whatever the order of the record", () => {
    const reordered: Registry = {
      ...REGISTRY,
      severities: {
        ...SEVERITIES,
        info: { ...SEVERITIES.info, rank: 0 },
        security: { ...SEVERITIES.security, rank: 5 },
      },
    };
    expect(severityOrder(reordered)).toEqual(["info", "crash", "functional", "bug", "ub", "security"]);
    expect(severityOrder()).toEqual(SEVERITY_ORDER);
  });
});
