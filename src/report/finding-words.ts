// One plain sentence per signature, for people: what A did where B did something else, in the words of a review.
// The registry (diff/classes.ts) holds each class's sentences; here the signature's parts (diff.ts) and, for a host
// crash, the panic message the port raised are put in words to fill them in.
import { REGISTRY, type FindingClass, type Registry, type WordShapes } from "../diff/classes";
import { parseSignature } from "../diff/signature";

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

type Values = Record<string, string>;

/** Which of a class's sentences a signature takes, and the words that fill it in. */
type Filled<C extends FindingClass> = { shape: WordShapes[C]; values: Values };
type Fill<C extends FindingClass> = (cause: string[], side: string, crashReason?: string) => Filled<C>;

const sideOf = (cause: string[], side: "A" | "B") => cause.find((p) => p.startsWith(`${side}:`))?.slice(2) ?? "?";

const FILL: { [C in FindingClass]: Fill<C> } = {
  "host-crash": ([cause = ""], _side, crashReason): Filled<"host-crash"> => {
    if (crashReason && /panic/.test(crashReason)) return { shape: "panic", values: { panic: panicWords(crashReason) } };
    if (cause.startsWith("direct-map:"))
      return { shape: "directMap", values: { purpose: PURPOSES[cause.slice(11)] ?? cause.slice(11) } };
    const named = /^kernel:(?:panic\((.*)\)|(KASSERT\(.*\)))$/.exec(cause);
    if (!crashReason && named) return { shape: "panic", values: { panic: named[1] ?? `${named[2]} failed` } };
    return crashReason ? { shape: "kernelSaying", values: { reason: crashReason } } : { shape: "kernel", values: {} };
  },
  "host-memory-exposure": ([what = "", region0]) => {
    if (what.startsWith("guest-access:"))
      return {
        shape: "guestAccess",
        values: { region: region(region0), memory: MEMORY[what.split(":")[1]!] ?? what },
      };
    const [, purpose, rw, memory] = what.split(":");
    const values = {
      rw: rw === "write" ? "writes" : "reads",
      purpose: PURPOSES[purpose!] ?? String(purpose),
      memory: MEMORY[memory!] ?? String(memory),
    };
    return { shape: "hostAccess", values };
  },
  "exit-mismatch": (cause): Filled<"exit-mismatch"> => {
    const [a, b] = [sideOf(cause, "A"), sideOf(cause, "B")];
    if (cause[0] === "create") return { shape: "create", values: { a: createWords(a), b: createWords(b) } };
    const field = FIELDS[cause[0]!];
    if (field !== undefined) {
      const value = cause[0]!.endsWith("errno") ? errnoWords : (v: string) => v;
      const where =
        cause[0] === "create-errno"
          ? ""
          : cause[1] === "ghcb-msr"
            ? ` on a GHCB MSR protocol request (${cause[2]})`
            : ` on ${stepWords(cause[1]!)} ${region(cause[2])}`;
      return { shape: "field", values: { field, where, a: value(a), b: value(b) } };
    }
    const values = { step: stepWords(cause[0]!), region: region(cause[1]), a: sideWords(a), b: sideWords(b) };
    return { shape: "step", values };
  },
  "guest-memory-mismatch": () => ({ shape: "any", values: {} }),
  "pte-mismatch": (cause) => {
    const [a, b] = [sideOf(cause, "A"), sideOf(cause, "B")];
    return { shape: "any", values: { region: region(cause[1]), a: PTE[a] ?? a, b: PTE[b] ?? b } };
  },
  "pte-bits": ([cause = ""]) => {
    const bits = cause.replace(/^bits:/, "").split("+");
    const named = bits.map((b) =>
      b === "address" ? "the address field" : b === "high" ? "the high bits" : `bits ${b}`,
    );
    return { shape: "any", values: { bits: named.join(" and ") } };
  },
  "undefined-behaviour": ([site, detail]) => ({
    shape: "any",
    values: { site: String(site), detail: String(detail) },
  }),
  "implementation-error": (cause, side) => ({
    shape: "any",
    values: { side: side === "B" ? "B" : "A", message: cause.join(", ") },
  }),
};

/** A class's sentence with every `{name}` replaced by its words. */
function fillIn(template: string, values: Values): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * The sentence for a signature, from the registry's words for its class. `crashReason` is the port's panic or
 * fault message when the finding is a host crash (as the HOST CRASH event gives it), so the sentence can name the
 * assertion.
 */
export function findingWords(signature: string, crashReason?: string, registry: Registry = REGISTRY): string {
  const parts = parseSignature(signature);
  const cls = parts.class as FindingClass;
  if (!Object.hasOwn(registry.classes, cls)) return signature;
  const guest = parts.guest && GUESTS[parts.guest];
  const { shape, values } = (FILL[cls] as Fill<FindingClass>)(parts.cause, parts.side, crashReason);
  const words = registry.classes[cls].words as Record<string, string>;
  return fillIn(words[shape]!, { ...values, guest: guest ? ` (${guest})` : "" });
}

function createWords(kind: string): string {
  if (kind === "ok") return "creates the VM";
  const refused = /^refused(?:\((.*)\))?$/.exec(kind);
  return refused ? `refuses to create it${refused[1] ? ` (${refused[1]})` : ""}` : kindWords(kind);
}

/** The named field checks of the diff, by the first part of their cause. */
const FIELDS: Record<string, string> = {
  "create-errno": "the errno of VM creation",
  "run-errno": "the errno VMM_IOC_RUN returns",
  "ghcb-error-code": "the error the host leaves in the GHCB (SW_EXITINFO1/2)",
  "vmd-exit-gpa": "the GPA vmd is handed",
  "vmd-exit-insn-length": "the instruction length vmd is handed",
  "vmd-exit-nae-size": "the access size vmd is handed",
  "vmd-exit-direction": "the direction vmd is handed",
  "vmd-exit-data": "where vmd is told the data is",
};

/** errno values by number (sys/errno.h), as the diff's errno checks give them. */
const ERRNO_NAMES: Record<string, string> = {
  "1": "EPERM",
  "12": "ENOMEM",
  "14": "EFAULT",
  "22": "EINVAL",
  "35": "EAGAIN",
};

function errnoWords(n: string): string {
  return ERRNO_NAMES[n] ? `${ERRNO_NAMES[n]} (${n})` : `errno ${n}`;
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
