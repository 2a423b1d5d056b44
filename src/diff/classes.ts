// Finding classes and their severities (architecture.md, "Findings").

export const FINDING_CLASSES = {
  "host-memory-exposure": {
    severity: "security",
    meaning: "a guest access reaches host memory that does not back that guest",
  },
  "host-crash": { severity: "crash", meaning: "the host kernel faults or panics" },
  "exit-mismatch": { severity: "functional", meaning: "a different exit, exception, error or VM-creation result" },
  "guest-memory-mismatch": {
    severity: "functional",
    meaning: "the host touches other pages of the guest's memory on its behalf (GHCB, pvclock)",
  },
  "pte-mismatch": { severity: "functional", meaning: "the nested PTEs make the CPU behave differently" },
  "pte-bits": { severity: "info", meaning: "the PTEs differ in bits only; the CPU behaves the same" },
  "undefined-behaviour": { severity: "ub", meaning: "the port hit C undefined behaviour" },
  "implementation-error": { severity: "bug", meaning: "A, B or cpu threw: a bug in this project" },
} as const;

export type FindingClass = keyof typeof FINDING_CLASSES;
export type Severity = (typeof FINDING_CLASSES)[FindingClass]["severity"];

/** Severities from worst to mildest; reports sort and colour by this order. */
export const SEVERITY_ORDER: readonly Severity[] = ["security", "crash", "functional", "bug", "ub", "info"];

export function severityOf(c: FindingClass): Severity {
  return FINDING_CLASSES[c].severity;
}

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}
