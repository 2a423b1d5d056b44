// The one registry of finding classes and severities (architecture.md, "Findings"): each severity's rank, label
// and colours, each class's severity, meaning and sentences. The diff, the divergence map, its palette, the HTML
// report's badges, the status line and the finding words all derive from it.

export type Severity = "security" | "crash" | "functional" | "bug" | "ub" | "info";

export type FindingClass =
  | "host-memory-exposure"
  | "host-crash"
  | "exit-mismatch"
  | "guest-memory-mismatch"
  | "pte-mismatch"
  | "pte-bits"
  | "undefined-behaviour"
  | "implementation-error";

export interface SeverityEntry {
  /** 0 for the worst: reports sort by it, the divergence map keeps the worst of a cell. */
  readonly rank: number;
  /** What the severity means, in the map's legend after its name. */
  readonly label: string;
  /** Its name in the status line. */
  readonly short: string;
  /** The map cell, legend swatch and HTML badge colour (Okabe–Ito: distinguishable with colour-blindness). */
  readonly colour: string;
  /** The text colour on that background in an HTML badge, for contrast. */
  readonly ink: string;
  /** The divergence map's character for a cell whose worst finding has this severity (summary.json's rows). */
  readonly cell: string;
}

/** The shapes a signature of each class takes: each has its own sentence. */
export interface WordShapes {
  "host-memory-exposure": "guestAccess" | "hostAccess";
  "host-crash": "panic" | "directMap" | "kernel" | "kernelSaying";
  "exit-mismatch": "create" | "step" | "field";
  "guest-memory-mismatch": "any";
  "pte-mismatch": "any";
  "pte-bits": "any";
  "undefined-behaviour": "any";
  "implementation-error": "any";
}

export interface ClassEntry<C extends FindingClass = FindingClass> {
  readonly severity: Severity;
  readonly meaning: string;
  /**
   * The sentence for people, one per shape a signature of this class takes; `{name}` is filled in from the
   * signature's parts (src/report/finding-words.ts), `{guest}` with the guest kind in brackets.
   */
  readonly words: Readonly<Record<WordShapes[C], string>>;
}

export interface Registry {
  readonly severities: Readonly<Record<Severity, SeverityEntry>>;
  readonly classes: { readonly [C in FindingClass]: ClassEntry<C> };
}

export const SEVERITIES = {
  security: { rank: 0, label: "host memory exposed", short: "sec", colour: "#D55E00", ink: "#fff", cell: "s" },
  crash: { rank: 1, label: "host kernel fault", short: "crash", colour: "#CC79A7", ink: "#000", cell: "c" },
  functional: {
    rank: 2,
    label: "exit or PTE mismatch",
    short: "func",
    colour: "#E69F00",
    ink: "#000",
    cell: "f",
  },
  bug: { rank: 3, label: "implementation error", short: "bug", colour: "#000000", ink: "#fff", cell: "b" },
  ub: { rank: 4, label: "C undefined behaviour", short: "ub", colour: "#009E73", ink: "#fff", cell: "u" },
  info: { rank: 5, label: "PTE bits only", short: "info", colour: "#56B4E9", ink: "#000", cell: "i" },
} as const satisfies Record<Severity, SeverityEntry>;

export const FINDING_CLASSES = {
  "host-memory-exposure": {
    severity: "security",
    meaning: "a guest access reaches host memory that does not back that guest",
    words: {
      guestAccess: "a guest access to {region} reaches {memory}{guest}",
      hostAccess: "the host {rw} the guest's {purpose} in {memory}{guest}",
    },
  },
  "host-crash": {
    severity: "crash",
    meaning: "the host kernel faults or panics",
    words: {
      panic: "the host panics: {panic}{guest}",
      directMap: "the host crashes: it touches the {purpose} through the direct map where no memory is{guest}",
      kernel: "the host kernel panics{guest}",
      kernelSaying: "the host kernel panics: {reason}{guest}",
    },
  },
  "exit-mismatch": {
    severity: "functional",
    meaning: "a different exit, exception, error or VM-creation result",
    words: {
      create: "A {a} where B {b}{guest}",
      step: "on {step} {region}, A gives {a} where B gives {b}{guest}",
      field: "{field}{where}: {a} in A, {b} in B{guest}",
    },
  },
  "guest-memory-mismatch": {
    severity: "functional",
    meaning: "the host touches other pages of the guest's memory on its behalf (GHCB, pvclock)",
    words: { any: "the host touches other pages of the guest's memory on its behalf (GHCB, pvclock)" },
  },
  "pte-mismatch": {
    severity: "functional",
    meaning: "the nested PTEs make the CPU behave differently",
    words: { any: "the nested PTE for {region} {a} in A, where in B it {b}{guest}" },
  },
  "pte-bits": {
    severity: "info",
    meaning: "the PTEs differ in bits only; the CPU behaves the same",
    words: { any: "the nested PTEs differ only in {bits}; the CPU behaves the same" },
  },
  "undefined-behaviour": {
    severity: "ub",
    meaning: "the port hit C undefined behaviour",
    words: { any: "the port hits C undefined behaviour at {site}: {detail}{guest}" },
  },
  "implementation-error": {
    severity: "bug",
    meaning: "A, B or cpu threw: a bug in this project",
    words: { any: "{side} threw ({message}): a bug in this project{guest}" },
  },
} as const satisfies { [C in FindingClass]: ClassEntry<C> };

/** The registry every output uses unless handed another (tests hand another to see every output follow). */
export const REGISTRY: Registry = { severities: SEVERITIES, classes: FINDING_CLASSES };

/** Severities from worst to mildest, by rank; reports sort and colour by this order. */
export function severityOrder(registry: Registry = REGISTRY): Severity[] {
  return (Object.keys(registry.severities) as Severity[]).sort(
    (x, y) => registry.severities[x].rank - registry.severities[y].rank,
  );
}

export const SEVERITY_ORDER: readonly Severity[] = Object.freeze(severityOrder());

export function severityOf(c: FindingClass): Severity {
  return FINDING_CLASSES[c].severity;
}

export function severityRank(s: Severity): number {
  return SEVERITIES[s].rank;
}
