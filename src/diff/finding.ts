// A finding: one divergence between the two sides, classified, located and given a stable signature.
import { createHash } from "crypto";
import type { Basis } from "../../reference/basis";
import type { FindingClass, Severity } from "./classes";

export type Side = "A" | "B";

export interface Finding {
  class: FindingClass;
  severity: Severity;
  /** Stable across seeds and incidental values: the same root cause gives the same signature. */
  signature: string;
  /** Index of the first divergent step; -1 for VM creation, null for the final nested PTEs. */
  step: number | null;
  /** Which side shows the problem (for one-sided classes), or "both". */
  side: Side | "both";
  /** One line in words. */
  detail: string;
  /** "policy" when B's side rests on a rule the sources leave open (reference/RULES.md), else "spec". */
  basis: Basis;
  /** The policy rules B applied where this finding diverges (empty for "spec"). */
  policyRules: string[];
}

/** Short content hash of a signature: the name of its finding file. */
export function signatureHash(signature: string): string {
  return createHash("sha256").update(signature).digest("hex").slice(0, 16);
}
