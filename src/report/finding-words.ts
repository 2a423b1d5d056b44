// One plain sentence per signature, for people: what A did where B did something else, in the words of a review.
// Built from the signature's parts (diff.ts) and, for a host crash, the panic message the port raised.
import { FINDING_CLASSES, type FindingClass } from "../diff/classes";

const GUESTS: Record<string, string> = { plain: "plain guest", sev: "SEV guest", "sev-es": "SEV-ES guest" };

const PURPOSES: Record<string, string> = { ghcb: "GHCB", pvclock: "pvclock page" };

const REGIONS: Record<string, string> = {
  mmio: "an MMIO address",
  ram: "guest RAM",
  reserved: "a reserved range",
  gap: "an address outside every range",
};

const MEMORY: Record<string, string> = {
  "guest-ram": "the guest's own RAM",
  "host-ram": "host RAM that is not the guest's",
  none: "no memory at all",
};

function region(r: string | undefined): string {
  return r === undefined ? "an address" : (REGIONS[r] ?? `a ${r} address`);
}

/** What one side showed at a step, from its observed kinds ("vc:0x400", "vmd-exit:mmio-assist:bytes", …). */
function kindWords(kind: string): string {
  const [head, ...rest] = kind.split(":");
  switch (head) {
    case "vc":
      return rest[0] === "0x400" ? "#VC in the guest with SVM_EXIT_NPF (0x400)" : `#VC in the guest (${rest[0]})`;
    case "vmd-exit":
      return `an exit to vmd for ${rest[0] === "mmio-nae" ? "the MMIO NAE request" : "MMIO assist"}${rest[1] === "bytes" ? " with the instruction bytes" : ""}`;
    case "vm-error":
      return "VMM_IOC_RUN failing";
    case "ghcb-error":
      return "an error in the GHCB";
    case "no-progress":
      return "no progress (the access faults again and again)";
    case "guest-access":
      return `the access completing in ${MEMORY[rest[0]!] ?? rest[0]}`;
    case "host-access":
      return `the host ${rest[1] === "write" ? "writing" : "reading"} the ${PURPOSES[rest[0]!] ?? rest[0]} in ${MEMORY[rest[2]!] ?? rest[2]}`;
    case "host-crash":
      return "a host crash";
    case "nothing":
      return "nothing observable";
    case "not-created":
      return "no VM (creation failed)";
    case "not-run":
      return "the step never running";
    case "ok":
      return "the VM created";
    default: {
      const refused = /^refused(?:\((.*)\))?$/.exec(kind);
      if (refused) return `the VM refused${refused[1] ? ` (${refused[1]})` : ""}`;
      return kind;
    }
  }
}

function sideWords(kinds: string): string {
  return kinds.split(",").map(kindWords).join(", then ");
}

const PTE: Record<string, string> = {
  "guest-ram": "maps the guest's own RAM",
  "host-ram": "maps host RAM that is not the guest's",
  none: "maps an address with no memory behind it",
  rsv: "faults with reserved bits set (RSV), so the guest's retry raises #VC",
};

/** "panic: kernel diagnostic assertion "X" failed: file "F"" → "KASSERT(X) failed in F". */
function panicWords(reason: string): string {
  const kassert = /kernel diagnostic assertion "(.*)" failed: file "([^"]*)"/.exec(reason);
  if (kassert) return `KASSERT(${kassert[1]}) failed in ${kassert[2]}`;
  return reason.replace(/^panic: /, "");
}

/**
 * The sentence for a signature. `crashReason` is the port's panic or fault message when the finding is a host
 * crash (as the HOST CRASH event gives it), so the sentence can name the assertion.
 */
export function findingWords(signature: string, crashReason?: string): string {
  const parts = signature.split("|");
  const cls = parts[0] as FindingClass;
  const guest = GUESTS[parts[parts.length - 1]!];
  const inGuest = guest ? ` (${guest})` : "";
  switch (cls) {
    case "host-crash": {
      const cause = parts[2] ?? "";
      if (crashReason && /panic/.test(crashReason)) return `the host panics: ${panicWords(crashReason)}${inGuest}`;
      if (cause.startsWith("direct-map:"))
        return `the host crashes: it touches the ${PURPOSES[cause.slice(11)] ?? cause.slice(11)} through the direct map where no memory is${inGuest}`;
      return `the host kernel panics${crashReason ? `: ${crashReason}` : ""}${inGuest}`;
    }
    case "host-memory-exposure": {
      const [what, region0] = [parts[2] ?? "", parts[3]];
      if (what.startsWith("guest-access:"))
        return `a guest access to ${region(region0)} reaches ${MEMORY[what.split(":")[1]!] ?? what}${inGuest}`;
      const [, purpose, rw, memory] = what.split(":");
      return `the host ${rw === "write" ? "writes" : "reads"} the guest's ${PURPOSES[purpose!] ?? purpose} in ${MEMORY[memory!] ?? memory}${inGuest}`;
    }
    case "exit-mismatch": {
      const a = parts.find((p) => p.startsWith("A:"))?.slice(2) ?? "?";
      const b = parts.find((p) => p.startsWith("B:"))?.slice(2) ?? "?";
      if (parts[2] === "create") return `A ${createWords(a)} where B ${createWords(b)}${inGuest}`;
      const where = `on ${stepWords(parts[2]!)} ${region(parts[3])}`;
      return `${where}, A gives ${sideWords(a)} where B gives ${sideWords(b)}${inGuest}`;
    }
    case "pte-mismatch": {
      const a = parts.find((p) => p.startsWith("A:"))?.slice(2) ?? "?";
      const b = parts.find((p) => p.startsWith("B:"))?.slice(2) ?? "?";
      return `the nested PTE for ${region(parts[3])} ${PTE[a] ?? a} in A, where in B it ${PTE[b] ?? b}${inGuest}`;
    }
    case "pte-bits": {
      const bits = (parts[2] ?? "").replace(/^bits:/, "").split("+");
      const named = bits.map((b) =>
        b === "address" ? "the address field" : b === "high" ? "the high bits" : `bits ${b}`,
      );
      return `the nested PTEs differ only in ${named.join(" and ")}; the CPU behaves the same`;
    }
    case "undefined-behaviour":
      return `the port hits C undefined behaviour at ${parts[2]}: ${parts[3]}${inGuest}`;
    case "implementation-error":
      return `${parts[1] === "B" ? "B" : "A"} threw (${parts.slice(2, -1).join(", ")}): a bug in this project${inGuest}`;
    default:
      return (FINDING_CLASSES as Record<string, { meaning: string } | undefined>)[cls]?.meaning ?? signature;
  }
}

function createWords(kind: string): string {
  if (kind === "ok") return "creates the VM";
  const refused = /^refused(?:\((.*)\))?$/.exec(kind);
  return refused ? `refuses to create it${refused[1] ? ` (${refused[1]})` : ""}` : kindWords(kind);
}

function stepWords(op: string): string {
  switch (op) {
    case "access":
      return "a guest access to";
    case "mmio-nae":
      return "an MMIO NAE request for";
    case "ghcb":
      return "registering the GHCB in";
    case "pvclock":
      return "enabling the pvclock in";
    default:
      return `${op} at`;
  }
}

/** The panic or fault message in a side's event lines ("HOST CRASH: …"), if it crashed. */
export function crashReasonIn(lines: readonly string[]): string | undefined {
  for (const l of lines) if (l.startsWith("HOST CRASH: ")) return l.slice("HOST CRASH: ".length);
  return undefined;
}
