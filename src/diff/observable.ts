// The part of a step's events that the guest, vmd and the host machine observe. Exits the host handles in the
// kernel and resumes (npf-exit, vmgexit, resume) are recorded in outcomes but do not by themselves diverge.
import type { Event } from "../cpu/events";

/** One observable event: `kind` without incidental values (for signatures), `address` where one applies. */
export interface Observed {
  kind: string;
  address?: bigint;
}

export function observe(e: Event): Observed | null {
  switch (e.kind) {
    case "vc":
      return { kind: `vc:0x${e.code.toString(16)}` };
    case "vmd-exit":
      return { kind: `vmd-exit:${e.reason}${e.insnBytes ? ":bytes" : ""}` };
    case "ghcb-msr-response":
      // GHCBInfo names the answer; bits 31:0 are compared. The CPUID values above are not modelled (vmm_handle_cpuid).
      return { kind: `ghcb-msr:${msrRequestName(e.value)}`, address: e.value & 0xffffffffn };
    case "vm-error":
    case "ghcb-error":
    case "host-crash":
    case "no-progress":
      return { kind: e.kind };
    case "guest-access":
      return { kind: `guest-access:${e.memory}`, address: e.hpa };
    case "host-access":
      // The host reading or writing the guest's own memory (its GHCB, its pvclock page) is its job, not an event.
      if (e.memory === "guest-ram") return null;
      return { kind: `host-access:${e.purpose}:${e.write ? "write" : "read"}:${e.memory}`, address: e.pa };
    case "npf-exit":
    case "vmgexit":
    case "resume":
    case "ub":
    case "rule":
      return null;
  }
}

/** The observable events of a step, in order. */
export function observable(events: readonly Event[]): Observed[] {
  const out: Observed[] = [];
  for (const e of events) {
    const o = observe(e);
    if (o !== null) out.push(o);
  }
  return out;
}

export function sameObserved(a: readonly Observed[], b: readonly Observed[]): boolean {
  return a.length === b.length && a.every((o, i) => o.kind === b[i]!.kind && o.address === b[i]!.address);
}

/** The kinds of an observed list with consecutive repeats collapsed, joined for a signature. */
export function kindsOf(observed: readonly Observed[]): string {
  const kinds: string[] = [];
  for (const o of observed) if (kinds[kinds.length - 1] !== o.kind) kinds.push(o.kind);
  return kinds.length === 0 ? "nothing" : kinds.join(",");
}

/** GHCB MSR protocol values by GHCBInfo (GHCB spec 56421 §2.3.1), in words that keep signatures few. */
export function msrRequestName(value: bigint): string {
  switch (value & 0xfffn) {
    case 0x004n:
      return "cpuid-request";
    case 0x005n:
      return "cpuid-response";
    case 0x100n:
      return "terminate";
    default:
      return "other";
  }
}
