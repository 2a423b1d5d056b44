// Compares two outcomes of one scenario through a table of named checks, each with its class. Every independent
// root cause is reported: a check goes on past its first divergent step, and an earlier divergence hides only what
// it explains (the same step's events, the PTEs of pages its steps touched). Each check is a pure function of the
// two outcomes: what one check's divergence explains is derived from the outcomes (the context computes it once),
// never handed from check to check, so the table's order is only the order findings are listed in.
import { isPolicyRule, READS_CREATION } from "../../reference/basis";
import type { Event, EventKind, Outcome } from "../cpu/events";
import { Machine, PAGE_MASK } from "../cpu/machine";
import type { Scenario } from "../scenario/types";
import { severityOf, type FindingClass } from "./classes";
import type { Finding, Side } from "./finding";
import { kindsOf, msrRequestName, observable, sameObserved, type Observed } from "./observable";
import { pteBehaviour, worstBehaviour } from "./pte-semantics";
import { regionOf } from "./regions";
import { maskNumbers, signatureOf } from "./signature";

const SIDES: readonly Side[] = ["A", "B"];

/** A step at which one side shows something (a crash, an exposure) the other side does not show the same. */
interface OneSidedHit {
  side: Side;
  step: number;
  /** What that side observed at the step and the other did not show the same, in event order. */
  hits: Observed[];
}

/**
 * The two outcomes of a scenario and what follows from them alone, each computed once on first use. Checks read
 * it and never write it.
 */
class Context {
  private readonly memo = new Map<string, unknown>();
  private readonly observedEvents = new Map<readonly Event[], Observed[]>();

  constructor(
    readonly scenario: Scenario,
    readonly a: Outcome,
    readonly b: Outcome,
    /** Both sides show the same events at every step (eventsAgree): then no step diverges. */
    readonly sameEvents: boolean,
  ) {}

  private once<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }

  /** What a side observed at a step (-1: VM creation), null for a step it did not run; computed once per step. */
  observed(o: Outcome, step: number): Observed[] | null {
    const events = step < 0 ? o.createEvents : o.steps[step]?.events;
    if (events === undefined) return null;
    let obs = this.observedEvents.get(events);
    if (obs === undefined) this.observedEvents.set(events, (obs = observable(events)));
    return obs;
  }

  /** Steps where one side crashes the host and the other does not. */
  get crashes(): readonly OneSidedHit[] {
    return this.once("crashes", () => oneSidedHits(this, (o) => o.kind === "host-crash"));
  }

  /** Steps where one side reaches host memory that does not back the guest and the other does not. */
  get exposures(): readonly OneSidedHit[] {
    return this.once("exposures", () => oneSidedHits(this, exposes));
  }

  /** Steps a one-sided crash or exposure explains: their events are that root cause, not another one. */
  get explainedSteps(): ReadonlySet<number> {
    return this.once("explained", () => new Set([...this.crashes, ...this.exposures].map((h) => h.step)));
  }

  /** Steps both sides ran whose observable events differ where no crash or exposure explains it. */
  get eventSteps(): readonly number[] {
    return this.once("events", () => {
      if (this.a.create !== 0 || this.b.create !== 0) return [];
      const steps: number[] = [];
      for (let step = 0; step < Math.min(this.a.steps.length, this.b.steps.length); step++)
        if (!this.explainedSteps.has(step) && !sameObserved(this.observed(this.a, step)!, this.observed(this.b, step)!))
          steps.push(step);
      return steps;
    });
  }

  /** The pages whose final PTEs differ, by address (both PTE checks read them). */
  get differingPages(): readonly bigint[] {
    return this.once("differing-pages", () => pagesThatDiffer(this));
  }

  /** The scenario's machine, for what the CPU does with a PTE (built only when two PTEs differ). */
  get machine(): Machine {
    return this.once("machine", () => new Machine(this.scenario));
  }

  /** What the CPU does with `pte` at `page` (pteBehaviour), computed once per entry for both PTE checks. */
  behaviour(page: bigint, pte: bigint): string {
    const memo = this.once("behaviour", () => new Map<bigint, Map<bigint, string>>());
    let byPte = memo.get(page);
    if (byPte === undefined) memo.set(page, (byPte = new Map()));
    let b = byPte.get(pte);
    if (b === undefined) byPte.set(pte, (b = pteBehaviour(this.machine, page, pte)));
    return b;
  }

  /** Steps where the sides diverge: the PTE check leaves their pages out (their entries differ as a consequence). */
  get divergentSteps(): ReadonlySet<number> {
    return this.once("divergent", () =>
      this.sameEvents ? new Set<number>() : new Set([...this.explainedSteps, ...this.eventSteps]),
    );
  }
}

export interface Check {
  name: string;
  /**
   * The check compares the final nested PTEs: the only checks that can find anything when both sides show the
   * same events at every step (every other check compares events).
   */
  readsPtes?: true;
  /** The check's findings, from the context alone. */
  run(ctx: Context): Finding[];
}

/**
 * Classes whose basis is never a policy: wrong whatever the reference chose (a host crash, an exposure, C undefined
 * behaviour), or no difference in behaviour at all (PTE bits).
 */
const NEVER_POLICY: ReadonlySet<FindingClass> = new Set([
  "host-crash",
  "host-memory-exposure",
  "undefined-behaviour",
  "pte-bits",
]);

function outcomeOf(ctx: Context, side: Side): Outcome {
  return side === "A" ? ctx.a : ctx.b;
}

function other(side: Side): Side {
  return side === "A" ? "B" : "A";
}

function stepLabel(ctx: Context, step: number): string {
  if (step < 0) return "create";
  const s = ctx.scenario.steps[step]!;
  // A GHCB MSR protocol value is no address: its request (GHCBInfo) stands for the region.
  if (s.op === "ghcb-msr") return `${s.op}|${msrRequestName(s.gpa)}`;
  return `${s.op}|${regionOf(ctx.scenario.memory, s.gpa)}`;
}

function sideKinds(ctx: Context, o: Outcome, step: number): string {
  if (o.create !== 0 && step >= 0) return "not-created";
  const obs = ctx.observed(o, step);
  return obs === null ? "not-run" : kindsOf(obs);
}

/**
 * The policy rules the reference applied where a finding diverges: at `step`, and at VM creation for a creation
 * finding or where a rule at the step read what creation decided (the MMIO mask). For the final PTEs (step null)
 * only what decided PTE contents counts: no policy rule writes an entry, so only creation's, where an entry was
 * built from the mask. An implementation that records no rules contributes none.
 */
function policyRulesAt(ctx: Context, step: number | null): string[] {
  const rules = new Set<string>();
  for (const o of [ctx.a, ctx.b]) {
    const named = (events: readonly Event[]) => events.flatMap((e) => (e.kind === "rule" ? [e.rule] : []));
    const atStep = step === null ? [] : step >= 0 ? named(o.steps[step]?.events ?? []) : [];
    const readsCreation =
      step === -1 ||
      (step === null ? o.steps.flatMap((s) => named(s.events)) : atStep).some((r) => READS_CREATION.has(r));
    for (const r of [...atStep, ...(readsCreation ? named(o.createEvents) : [])]) if (isPolicyRule(r)) rules.add(r);
  }
  return [...rules].sort();
}

function finding(
  ctx: Context,
  cls: FindingClass,
  step: number | null,
  side: Side | "both",
  cause: string,
  detail: string,
): Finding {
  const policyRules = NEVER_POLICY.has(cls) ? [] : policyRulesAt(ctx, step);
  const basis = policyRules.length > 0 ? "policy" : "spec";
  const signature = signatureOf(ctx.scenario, cls, side, cause);
  return { class: cls, severity: severityOf(cls), signature, step, side, detail, basis, policyRules };
}

function stepCount(o: Outcome): number {
  return o.create === 0 ? o.steps.length : 0;
}

/** Findings with one per signature, the first kept. */
function distinct(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.signature) && seen.add(f.signature));
}

/** Every step (from creation on) where `pick` holds for one side and the other side does not show the same. */
function oneSidedHits(ctx: Context, pick: (o: Observed) => boolean): OneSidedHit[] {
  const found: OneSidedHit[] = [];
  for (const side of SIDES) {
    const mine = outcomeOf(ctx, side);
    const theirs = outcomeOf(ctx, other(side));
    for (let step = -1; step < stepCount(mine); step++) {
      const hits = (ctx.observed(mine, step) ?? []).filter(pick);
      if (hits.length === 0) continue;
      const theirObs = ctx.observed(theirs, step) ?? [];
      const shared = hits.every((h) => theirObs.some((t) => t.kind === h.kind && t.address === h.address));
      if (!shared) found.push({ side, step, hits });
    }
  }
  return found;
}

/**
 * One finding per signature of one-sided hits. `cause` names the root cause for the signature from that step's
 * raw events and the first offending observation. Such a step is explained: the events check does not report it.
 */
function oneSided(
  ctx: Context,
  cls: FindingClass,
  hits: readonly OneSidedHit[],
  cause: (events: readonly Event[], hit: Observed, step: number) => string,
  words: string,
): Finding[] {
  const found = hits.map(({ side, step, hits: [first] }) => {
    const mine = outcomeOf(ctx, side);
    const events = step < 0 ? mine.createEvents : mine.steps[step]!.events;
    const detail = `${mine.impl}: ${words} (step ${step}: ${kindsOf(ctx.observed(mine, step) ?? [])})`;
    return finding(ctx, cls, step, side, cause(events, first!, step), detail);
  });
  return distinct(found);
}

/**
 * A host crash's cause: the direct-map access that faulted (its purpose), or the kernel's own panic, named by its
 * message (a failed KASSERT by its expression), so that two panics of the kernel are two root causes.
 */
function crashCause(events: readonly Event[]): string {
  const access = [...events].reverse().find((e) => e.kind === "host-access" && e.memory === "none");
  if (access?.kind === "host-access") return `direct-map:${access.purpose}`;
  const crash = events.find((e) => e.kind === "host-crash");
  return crash?.kind === "host-crash" ? `kernel:${panicName(crash.reason)}` : "kernel";
}

/** "panic: kernel diagnostic assertion "X" failed: …" → "KASSERT(X)"; "panic: M" → "panic(M)", numbers masked. */
function panicName(reason: string): string {
  const kassert = /kernel diagnostic assertion "(.*)" failed/.exec(reason);
  if (kassert) return `KASSERT(${kassert[1]})`;
  const panic = /^panic: (.*)$/.exec(reason);
  return panic ? `panic(${maskNumbers(panic[1]!).replace(/\|/g, "/")})` : "other";
}

/** An exposure's cause: what reached which memory, and for a guest access the region of its GPA. */
function exposureCause(ctx: Context, hit: Observed, step: number): string {
  if (!hit.kind.startsWith("guest-access:") || step < 0) return hit.kind;
  return `${hit.kind}|${regionOf(ctx.scenario.memory, ctx.scenario.steps[step]!.gpa)}`;
}

/** A guest access that lands outside the guest's memory, or the host touching other host RAM for the guest. */
const exposes = (o: Observed) =>
  (o.kind.startsWith("guest-access:") && !o.kind.endsWith(":guest-ram")) ||
  (o.kind.startsWith("host-access:") && o.kind.endsWith(":host-ram"));

function ubEvents(o: Outcome): { step: number; e: Extract<Event, { kind: "ub" }> }[] {
  const found: { step: number; e: Extract<Event, { kind: "ub" }> }[] = [];
  for (let step = -1; step < o.steps.length; step++) {
    for (const e of step < 0 ? o.createEvents : o.steps[step]!.events) if (e.kind === "ub") found.push({ step, e });
  }
  return found;
}

/** Which bits differ, with the address field (bits 12..51) summarized so profiles do not split the signature. */
function differingBits(xor: bigint): string {
  const flags = xor & 0xfffn;
  const address = (xor & 0x000ffffffffff000n) !== 0n ? "+address" : "";
  const high = (xor & 0xfff0000000000000n) !== 0n ? "+high" : "";
  return `0x${flags.toString(16)}${address}${high}`;
}

/** Pages whose final PTEs a divergent step explains: those of divergent steps and of steps one side never ran. */
function explainedPages(ctx: Context): Set<bigint> {
  // Steps one side never ran, then divergent steps.
  const steps = ctx.scenario.steps;
  const pages = new Set<bigint>();
  for (let i = Math.min(ctx.a.steps.length, ctx.b.steps.length); i < steps.length; i++)
    pages.add(steps[i]!.gpa & PAGE_MASK);
  for (const i of ctx.divergentSteps) if (i >= 0) pages.add(steps[i]!.gpa & PAGE_MASK); // -1: VM creation
  return pages;
}

type EventOf<K extends EventKind> = Extract<Event, { kind: K }>;

/** Events of one kind in the steps both sides ran, paired in order: the i-th of A with the i-th of B. */
function pairedEvents<K extends EventKind>(ctx: Context, kind: K): { step: number; a: EventOf<K>; b: EventOf<K> }[] {
  const pairs: { step: number; a: EventOf<K>; b: EventOf<K> }[] = [];
  const pick = (events: readonly Event[]) => events.filter((e): e is EventOf<K> => e.kind === kind);
  const created = ctx.a.create === 0 && ctx.b.create === 0;
  const steps = created ? Math.min(ctx.a.steps.length, ctx.b.steps.length) : 0;
  for (let step = -1; step < steps; step++) {
    const ea = pick(step < 0 ? ctx.a.createEvents : ctx.a.steps[step]!.events);
    const eb = pick(step < 0 ? ctx.b.createEvents : ctx.b.steps[step]!.events);
    for (let i = 0; i < Math.min(ea.length, eb.length); i++) pairs.push({ step, a: ea[i]!, b: eb[i]! });
  }
  return pairs;
}

/**
 * A check of one field of an event both sides show at the same place: the same exit, error or answer with a
 * different value. `word` gives the value for the signature (stable: a relation or a small number), `shown` for the
 * detail. One finding per signature.
 */
function fieldCheck<K extends EventKind>(
  name: string,
  kind: K,
  cls: FindingClass,
  word: (e: EventOf<K>, ctx: Context, step: number) => string,
  shown: (e: EventOf<K>) => string,
): Check {
  return {
    name,
    run(ctx) {
      const found = new Map<string, Finding>();
      for (const { step, a, b } of pairedEvents(ctx, kind)) {
        if (shown(a) === shown(b)) continue;
        const key = `${name}|${stepLabel(ctx, step)}|A:${word(a, ctx, step)}|B:${word(b, ctx, step)}`;
        const detail = `${name} (step ${step}): ${ctx.a.impl} ${shown(a)}, ${ctx.b.impl} ${shown(b)}`;
        const f = finding(ctx, cls, step, "both", key, detail);
        if (!found.has(f.signature)) found.set(f.signature, f);
      }
      return [...found.values()];
    },
  };
}

const hexOf = (v: bigint) => `0x${v.toString(16)}`;

/** A GPA handed to vmd, relative to the step's own GPA: the same, its page, or elsewhere (by region). */
function gpaWord(gpa: bigint, ctx: Context, step: number): string {
  const s = ctx.scenario.steps[step];
  if (s && gpa === s.gpa) return "step-gpa";
  if (s && gpa === (s.gpa & PAGE_MASK)) return "step-page";
  return regionOf(ctx.scenario.memory, gpa);
}

/**
 * The guest pages a side's host touches on the guest's behalf for the first time in each step, as `purpose@page`,
 * and the purposes for which it reached something else than guest RAM in that step (the exposure and crash checks'
 * findings, left to them).
 */
function firstGuestTouches(o: Outcome): { fresh: Set<string>; elsewhere: Set<string> }[] {
  const seen = new Set<string>();
  return o.steps.map((s) => {
    const fresh = new Set<string>();
    const elsewhere = new Set<string>();
    for (const e of s.events) {
      if (e.kind !== "host-access") continue;
      if (e.memory !== "guest-ram") {
        elsewhere.add(e.purpose);
        continue;
      }
      const touch = `${e.purpose}@${hexOf(e.pa & PAGE_MASK)}`;
      if (!seen.has(touch)) fresh.add(touch);
      seen.add(touch);
    }
    return { fresh, elsewhere };
  });
}

/** Software-available bits of a PTE (APM vol 2 §5.4.1, Figure 5-21: "AVL" bits 11:9 and 62:52). */
export const PTE_SOFTWARE_BITS = (0x7n << 9n) | (0x7ffn << 52n);
/** Every other bit: those the walk reads. */
const PTE_WALKED_BITS = ~PTE_SOFTWARE_BITS;

/** Whether an entry maps memory for some access on some CPU: then every bit but the software bits matters. */
function mapsSomething(behaviour: string): boolean {
  return behaviour.split(" ").some((p) => /:(guest-ram|host-ram|none)@/.test(p));
}

/** The pages whose final PTEs differ between the sides (0 where a side has none), by address. */
function pagesThatDiffer(ctx: Context): bigint[] {
  const pages: bigint[] = [];
  for (const [page, pa] of ctx.a.ptes) if ((ctx.b.ptes.get(page) ?? 0n) !== pa) pages.push(page);
  for (const [page, pb] of ctx.b.ptes) if (!ctx.a.ptes.has(page) && pb !== 0n) pages.push(page);
  return pages.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** The checks, in the order their findings are listed. */
export const CHECKS: readonly Check[] = [
  {
    name: "vm-creation",
    run(ctx) {
      const okA = ctx.a.create === 0;
      const okB = ctx.b.create === 0;
      if (okA === okB) return [];
      const words = (o: Outcome) =>
        o.create === 0 ? "created" : `refused (errno ${o.create}${o.createReason ? `: ${o.createReason}` : ""})`;
      const state = (o: Outcome) => (o.create === 0 ? "ok" : `refused${o.createReason ? `(${o.createReason})` : ""}`);
      const detail = `VM creation: ${ctx.a.impl} ${words(ctx.a)}, ${ctx.b.impl} ${words(ctx.b)}`;
      return [finding(ctx, "exit-mismatch", -1, "both", `create|A:${state(ctx.a)}|B:${state(ctx.b)}`, detail)];
    },
  },
  {
    name: "host-crash",
    run: (ctx) => oneSided(ctx, "host-crash", ctx.crashes, crashCause, "the host kernel faults"),
  },
  {
    name: "memory-reached",
    run: (ctx) =>
      oneSided(
        ctx,
        "host-memory-exposure",
        ctx.exposures,
        (_events, hit, step) => exposureCause(ctx, hit, step),
        "an access reaches host memory that does not back the guest",
      ),
  },
  {
    name: "guest-exception-and-exits",
    run(ctx) {
      const found = ctx.eventSteps.map((step) => {
        const key = `${stepLabel(ctx, step)}|A:${sideKinds(ctx, ctx.a, step)}|B:${sideKinds(ctx, ctx.b, step)}`;
        const detail = `${ctx.a.impl}: ${kindsOf(ctx.observed(ctx.a, step)!)}; ${ctx.b.impl}: ${kindsOf(ctx.observed(ctx.b, step)!)}`;
        return finding(ctx, "exit-mismatch", step, "both", key, detail);
      });
      return distinct(found);
    },
  },
  {
    name: "undefined-behaviour",
    run(ctx) {
      const found: Finding[] = [];
      for (const side of SIDES) {
        for (const { step, e } of ubEvents(outcomeOf(ctx, side))) {
          const cause = `${e.site}|${maskNumbers(e.detail)}`;
          found.push(finding(ctx, "undefined-behaviour", step, side, cause, `${e.site}: ${e.detail}`));
        }
      }
      return distinct(found);
    },
  },
  {
    name: "final-pte",
    readsPtes: true,
    run(ctx) {
      if (ctx.a.create !== 0 || ctx.b.create !== 0) return [];
      const explained = explainedPages(ctx);
      const found: Finding[] = [];
      for (const page of ctx.differingPages) {
        if (explained.has(page)) continue;
        const pa = ctx.a.ptes.get(page) ?? 0n;
        const pb = ctx.b.ptes.get(page) ?? 0n;
        const region = regionOf(ctx.scenario.memory, page);
        const hexes = `0x${pa.toString(16)} vs 0x${pb.toString(16)}`;
        const detail = `nested PTE of page 0x${page.toString(16)} (${region}): ${hexes}`;
        // The walk never reads the software bits: entries differing only there behave the same on every CPU.
        if (((pa ^ pb) & PTE_WALKED_BITS) === 0n) {
          found.push(finding(ctx, "pte-bits", null, "both", `bits:${differingBits(pa ^ pb)}`, detail));
          continue;
        }
        const ba = ctx.behaviour(page, pa);
        const bb = ctx.behaviour(page, pb);
        if (ba !== bb) {
          const key = `pte|${region}|A:${worstBehaviour(ba)}|B:${worstBehaviour(bb)}`;
          found.push(
            finding(ctx, "pte-mismatch", null, "both", key, `nested PTE of page 0x${page.toString(16)}: ${hexes}`),
          );
          continue;
        }
        if (mapsSomething(ba)) continue; // "final-pte-attributes"
        found.push(finding(ctx, "pte-bits", null, "both", `bits:${differingBits(pa ^ pb)}`, detail));
      }
      // Bits-only differences beside a behaviour difference add nothing a reviewer needs.
      const behaviour = found.filter((f) => f.class === "pte-mismatch");
      return distinct(behaviour.length > 0 ? behaviour : found);
    },
  },
  {
    name: "vm-creation-errno",
    run(ctx) {
      if (ctx.a.create === 0 || ctx.b.create === 0 || ctx.a.create === ctx.b.create) return [];
      const key = `create-errno|A:${ctx.a.create}|B:${ctx.b.create}`;
      const detail = `VM creation refused with errno ${ctx.a.create} (${ctx.a.impl}) and ${ctx.b.create} (${ctx.b.impl})`;
      return [finding(ctx, "exit-mismatch", -1, "both", key, detail)];
    },
  },
  fieldCheck(
    "run-errno",
    "vm-error",
    "exit-mismatch",
    (e) => String(e.errno),
    (e) => `errno ${e.errno}`,
  ),
  fieldCheck(
    "ghcb-error-code",
    "ghcb-error",
    "exit-mismatch",
    (e) => `${e.exitinfo1}/${hexOf(e.exitinfo2)}`,
    (e) => `SW_EXITINFO1 ${hexOf(e.exitinfo1)} SW_EXITINFO2 ${hexOf(e.exitinfo2)}`,
  ),
  fieldCheck(
    "vmd-exit-gpa",
    "vmd-exit",
    "exit-mismatch",
    (e, ctx, step) => gpaWord(e.gpa, ctx, step),
    (e) => hexOf(e.gpa),
  ),
  fieldCheck(
    "vmd-exit-insn-length",
    "vmd-exit",
    "exit-mismatch",
    (e) => String(e.insnLength),
    (e) => `${e.insnLength} instruction bytes`,
  ),
  fieldCheck(
    "vmd-exit-nae-size",
    "vmd-exit",
    "exit-mismatch",
    (e, ctx, step) =>
      BigInt((ctx.scenario.steps[step] as { size?: number }).size ?? -1) === e.size ? "step-size" : hexOf(e.size),
    (e) => `size ${hexOf(e.size)}`,
  ),
  fieldCheck(
    "vmd-exit-direction",
    "vmd-exit",
    "exit-mismatch",
    (e) => (e.write ? "write" : "read"),
    (e) => (e.write ? "write" : "read"),
  ),
  fieldCheck(
    "vmd-exit-data",
    "vmd-exit",
    "exit-mismatch",
    (e) => ((e.dataGpa & 0xfffn) === 0x800n ? "shared-buffer" : e.dataGpa === 0n ? "none" : "elsewhere"),
    (e) => `data at ${hexOf(e.dataGpa)}`,
  ),
  {
    name: "guest-pages-touched",
    run(ctx) {
      if (ctx.a.create !== 0 || ctx.b.create !== 0) return [];
      const ta = firstGuestTouches(ctx.a);
      const tb = firstGuestTouches(ctx.b);
      const steps = Math.min(ta.length, tb.length);
      // The step at which each side first touches each page, for the purposes both left in guest RAM.
      const firstStep = (t: typeof ta) => {
        const at = new Map<string, number>();
        for (let step = 0; step < steps; step++) {
          const elsewhere = new Set([...ta[step]!.elsewhere, ...tb[step]!.elsewhere]);
          for (const touch of t[step]!.fresh) if (!elsewhere.has(touch.split("@")[0]!)) at.set(touch, step);
        }
        return at;
      };
      const [fa, fb] = [firstStep(ta), firstStep(tb)];
      // A page one side touches first at another step than the other (or never) is reported once, at the earlier.
      const divergent = new Map<number, { a: Set<string>; b: Set<string> }>();
      for (const touch of new Set([...fa.keys(), ...fb.keys()])) {
        const [sa, sb] = [fa.get(touch), fb.get(touch)];
        if (sa === sb) continue;
        const step = Math.min(sa ?? Infinity, sb ?? Infinity);
        const entry = divergent.get(step) ?? { a: new Set<string>(), b: new Set<string>() };
        if (sa === step) entry.a.add(touch);
        if (sb === step) entry.b.add(touch);
        divergent.set(step, entry);
      }
      const found = new Map<string, Finding>();
      for (const step of [...divergent.keys()].sort((x, y) => x - y)) {
        const { a: sa, b: sb } = divergent.get(step)!;
        const own = ctx.machine.backingOf(ctx.scenario.steps[step]!.gpa & PAGE_MASK);
        const words = (touches: Set<string>) => {
          const w = [...touches].map((t) => {
            const [purpose, page] = t.split("@") as [string, string];
            return `${purpose}:${own !== null && BigInt(page) === own ? "step-page" : "other-page"}`;
          });
          return w.length === 0 ? "nothing" : [...new Set(w)].sort().join(",");
        };
        const key = `guest-pages|${stepLabel(ctx, step)}|A:${words(sa)}|B:${words(sb)}`;
        const list = (t: Set<string>) => (t.size === 0 ? "nothing" : [...t].join(" "));
        const detail = `host accesses to guest memory (step ${step}): ${ctx.a.impl} ${list(sa)}, ${ctx.b.impl} ${list(sb)}`;
        const f = finding(ctx, "guest-memory-mismatch", step, "both", key, detail);
        if (!found.has(f.signature)) found.set(f.signature, f);
      }
      return [...found.values()];
    },
  },
  {
    name: "final-pte-attributes",
    readsPtes: true,
    run(ctx) {
      if (ctx.a.create !== 0 || ctx.b.create !== 0) return [];
      const found = new Map<string, Finding>();
      for (const page of ctx.differingPages) {
        const pa = ctx.a.ptes.get(page) ?? 0n;
        const pb = ctx.b.ptes.get(page) ?? 0n;
        const meaningful = (pa ^ pb) & PTE_WALKED_BITS;
        if (meaningful === 0n) continue;
        const ba = ctx.behaviour(page, pa);
        // Different behaviour is "final-pte"'s finding; an entry that maps nothing has no attributes that matter.
        if (ba !== ctx.behaviour(page, pb) || !mapsSomething(ba)) continue;
        const region = regionOf(ctx.scenario.memory, page);
        const key = `pte-attributes|${region}|bits:${differingBits(meaningful)}`;
        const detail = `nested PTE of page ${hexOf(page)} (${region}): ${hexOf(pa)} vs ${hexOf(pb)}, same walk, bits ${hexOf(meaningful)} differ`;
        const f = finding(ctx, "pte-mismatch", null, "both", key, detail);
        if (!found.has(f.signature)) found.set(f.signature, f);
      }
      return [...found.values()];
    },
  },
];

/** Two events with the same kind and the same values in every field. */
function sameEvent(x: Event, y: Event): boolean {
  if (x.kind !== y.kind) return false;
  for (const key in x) if (x[key as keyof Event] !== y[key as keyof Event]) return false;
  return true;
}

/**
 * Two event lists that are equal event by event, neither holding undefined behaviour. The reference's `rule`
 * events (which rules it applied) are skipped: they record B's reasoning, not something either side observes.
 */
function sameEventsWithoutUb(x: readonly Event[], y: readonly Event[]): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < x.length && x[i]!.kind === "rule") i++;
    while (j < y.length && y[j]!.kind === "rule") j++;
    if (i === x.length || j === y.length) return i === x.length && j === y.length;
    if (x[i]!.kind === "ub" || !sameEvent(x[i]!, y[j]!)) return false;
    i++;
    j++;
  }
}

/**
 * The first fast path in front of the checks: two outcomes with the same creation result, the same events at every
 * step (raw, so their observable projections are equal too) and no undefined behaviour. Then only the checks that
 * read the final PTEs can find anything: every other check compares the sides' events (the undefined-behaviour
 * check, the only one that looks at one side alone, needs a `ub` event; why creation was refused is read only
 * where one side created the VM and the other did not).
 */
function eventsAgree(a: Outcome, b: Outcome): boolean {
  if (a.create !== b.create || a.steps.length !== b.steps.length) return false;
  if (!sameEventsWithoutUb(a.createEvents, b.createEvents)) return false;
  for (let i = 0; i < a.steps.length; i++)
    if (!sameEventsWithoutUb(a.steps[i]!.events, b.steps[i]!.events)) return false;
  return true;
}

/**
 * The second: the same final PTEs. With the first, no check can find anything; most scenarios end here. Both
 * tables list their pages by address, so they are read side by side, without a lookup; two tables listing the same
 * entries in another order would only be sent on to the checks.
 */
function ptesAgree(a: Outcome, b: Outcome): boolean {
  if (a.ptes.size !== b.ptes.size) return false;
  const theirs = b.ptes.entries();
  for (const [page, pte] of a.ptes) {
    const [p, q] = theirs.next().value!;
    if (p !== page || q !== pte) return false;
  }
  return true;
}

/**
 * All findings of one scenario's two outcomes, one per independent root cause, in the order of `checks`; empty when
 * the two agree. The checks are independent: any order of the table gives the same findings.
 */
export function diffOutcomes(scenario: Scenario, a: Outcome, b: Outcome, checks: readonly Check[] = CHECKS): Finding[] {
  const sameEvents = eventsAgree(a, b);
  if (sameEvents && ptesAgree(a, b)) return [];
  const ctx = new Context(scenario, a, b, sameEvents);
  const found: Finding[] = [];
  for (const check of checks) if (!sameEvents || check.readsPtes) found.push(...check.run(ctx));
  return found;
}

/** The same findings without the fast paths: every check runs, knowing nothing in advance (to test the paths). */
export function diffWithoutFastPaths(scenario: Scenario, a: Outcome, b: Outcome): Finding[] {
  const ctx = new Context(scenario, a, b, false);
  return CHECKS.flatMap((check) => check.run(ctx));
}

/** A side threw while running: a bug in this project, reported as a finding. */
export function implementationError(scenario: Scenario, side: Side, impl: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    class: "implementation-error",
    severity: severityOf("implementation-error"),
    signature: signatureOf(scenario, "implementation-error", side, `${impl}|${maskNumbers(message)}`),
    step: null,
    side,
    detail: `${impl} threw: ${message}`,
    basis: "spec",
    policyRules: [],
  };
}
