// Small summaries and map panels for the report tests.
import { CELL_CODES, MAP_HEIGHT, MAP_WIDTH, type MapPanel } from "../../src/engine/divergence-map";
import { SUMMARY_FORMAT, type Summary, type SummaryFinding } from "../../src/report/summary-types";

/** A panel of `fill` cells with `cells` set: [physAddrSize, reduction, code]. */
export function panel(
  key: Pick<MapPanel, "kind" | "memEncrypt" | "cbitPlacement">,
  cells: [number, number, string][] = [],
  fill = CELL_CODES.agree,
): MapPanel {
  const rows = Array.from({ length: MAP_HEIGHT }, () => fill.repeat(MAP_WIDTH).split(""));
  for (const [x, y, code] of cells) rows[y]![x] = code;
  return { ...key, rows: rows.map((r) => r.join("")) };
}

export function finding(overrides: Partial<SummaryFinding> = {}): SummaryFinding {
  return {
    class: "host-crash",
    severity: "crash",
    signature: "host-crash|A|direct-map:pvclock|sev-es",
    reach: { kind: "real-cpu", realProfiles: ["zen2-rome"] },
    introduced: true,
    basis: "spec",
    policyRules: [],
    file: "crashes/93dfe74b0cb8ac72.json",
    replay: "vmm-difffuzz replay crashes/93dfe74b0cb8ac72.json",
    profile: "phys_addrsz 52, phys_red 6, C-bit 51, SEV+SEV-ES; memEncrypt on; sev-es guest",
    summary: "pvclock page on MMIO: the host writes through the direct map",
    new: true,
    hits: 10,
    firstHit: { engine: "random", execs: 76, seconds: 0.1 },
    byEngine: { random: 10 },
    ...overrides,
  };
}

export function summary(overrides: Partial<Summary> = {}): Summary {
  return {
    format: SUMMARY_FORMAT,
    impl: "posted",
    against: "reference",
    baseline: "pre-patch",
    seed: 20261125,
    runs: [{ engine: "random", seed: 20261125, shard: "0/1", jobs: 1, execs: 1000, seconds: 1.5 }],
    findings: [finding()],
    map: [],
    ...overrides,
  };
}
