// What the CPU does with a nested PTE: the behaviour two PTEs are compared by before their bits are.
import type { Machine } from "../cpu/machine";
import { nestedWalk, NPF_P, NPF_RSV } from "../cpu/walk";
import type { AccessKind } from "../scenario/types";

const KINDS: readonly AccessKind[] = ["read", "write", "fetch"];

/**
 * Per host CPU and access kind, e.g. "read:rsv" or "write:guest-ram@0x10000000". The nested C-bit counts: it makes
 * the CPU encrypt a shared access with the host's key (APM vol 2 §15.34.8, Tables 15-30/15-31). Joined with spaces.
 */
export function pteBehaviour(machine: Machine, page: bigint, pte: bigint): string {
  const parts: string[] = [];
  machine.hardware.forEach((hw, cpu) => {
    for (const kind of KINDS) {
      const w = nestedWalk(hw, pte, page, kind, false);
      const what =
        w.kind === "ok"
          ? `${machine.classify(w.hpa)}@0x${w.hpa.toString(16)}${w.encrypted ? "+host-key" : ""}`
          : (w.errorCode & NPF_RSV) !== 0n
            ? "rsv"
            : (w.errorCode & NPF_P) !== 0n
              ? "denied"
              : "not-present";
      parts.push(`cpu${cpu}:${kind}:${what}`);
    }
  });
  return parts.join(" ");
}

/** Behaviours from worst to mildest: reaching host memory is worst, a reserved-bit fault mildest. */
const WORST_FIRST = ["host-ram", "none", "guest-ram", "not-present", "denied", "rsv"] as const;

/** The worst thing any CPU does with any access through the PTE, for signatures: "host-ram", "rsv", … */
export function worstBehaviour(behaviour: string): string {
  const kinds = new Set(behaviour.split(" ").map((p) => p.split(":")[2]!.replace(/@0x[0-9a-f]+(\+host-key)?$/, "")));
  return WORST_FIRST.find((k) => kinds.has(k)) ?? "unknown";
}
