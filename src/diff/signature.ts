// A finding's signature, built and read in one place: `class|side|cause|guest kind`, then the hardware what-ifs
// the scenario switches from the APM's answer. Every check builds its findings' signatures here.
import { guestKind, GUEST_KINDS, type GuestKind, type Scenario } from "../scenario/types";
import type { FindingClass } from "./classes";
import type { Side } from "./finding";

/** The hardware what-ifs a scenario switches from the APM's answer, as the signature's last parts ("" for none). */
function whatIfs(s: Scenario): string {
  return s.host.reductionReserved === false ? "|what-if:reduction-not-reserved" : "";
}

/**
 * The signature of a finding of class `cls` on `scenario`. `cause` names the root cause, not incidental values:
 * its parts are joined by "|" and must not be empty.
 */
export function signatureOf(scenario: Scenario, cls: FindingClass, side: Side | "both", cause: string): string {
  return `${cls}|${side}|${cause}|${guestKind(scenario.guest)}${whatIfs(scenario)}`;
}

/**
 * Free text (an error message, an undefined-behaviour detail) with its numbers masked, so that values that differ
 * from one scenario to the next do not split a signature: hex numbers become X, decimal numbers (signed) N.
 */
export function maskNumbers(text: string): string {
  return text.replace(/0x[0-9a-f]+/gi, "X").replace(/-?\b\d+\b/g, "N");
}

export interface SignatureParts {
  /** The first part, as written: a class name unless the text is no signature of this version. */
  class: string;
  side: string;
  /** The cause, split at "|". */
  cause: string[];
  /** Absent in a signature written before every class carried it. */
  guest?: GuestKind;
  whatIfs: string[];
}

/** A signature read back into its parts (for words). A `policy:` part, which older signatures end with, is dropped. */
export function parseSignature(signature: string): SignatureParts {
  const parts = signature.split("|").filter((p) => !p.startsWith("policy:"));
  const whatIfs: string[] = [];
  while (parts.length > 2 && parts[parts.length - 1]!.startsWith("what-if:")) whatIfs.unshift(parts.pop()!);
  const last = parts[parts.length - 1] as GuestKind;
  const guest = parts.length > 2 && GUEST_KINDS.includes(last) ? (parts.pop() as GuestKind) : undefined;
  return { class: parts[0] ?? "", side: parts[1] ?? "", cause: parts.slice(2), guest, whatIfs };
}
