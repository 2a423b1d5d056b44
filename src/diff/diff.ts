// Compares two outcomes of one scenario through a table of named checks, each with its class.
import type { Event, Outcome } from "../cpu/events";
import { Machine } from "../cpu/machine";
import { guestKind, type Scenario } from "../scenario/types";
import { severityOf, type FindingClass } from "./classes";
import type { Finding, Side } from "./finding";
import { kindsOf, observable, sameObserved, type Observed } from "./observable";
import { behaviourKind, pteBehaviour } from "./pte-semantics";
import { regionOf } from "./regions";

interface Context {
  scenario: Scenario;
  a: Outcome;
  b: Outcome;
  /** Steps with a step-level finding: the PTE checks skip their pages (same root cause). */
  stepsWithFindings: Set<number>;
}

interface Check {
  name: string;
  run(ctx: Context): Finding[];
}

const SIDES: readonly Side[] = ["A", "B"];

function outcomeOf(ctx: Context, side: Side): Outcome {
  return side === "A" ? ctx.a : ctx.b;
}

function other(side: Side): Side {
  return side === "A" ? "B" : "A";
}

function stepLabel(ctx: Context, step: number): string {
  if (step < 0) return "create";
  const s = ctx.scenario.steps[step]!;
  return `${s.op}|${regionOf(ctx.scenario.memory, s.gpa)}`;
}

function stepObserved(o: Outcome, step: number): Observed[] | null {
  if (step < 0) return observable(o.createEvents);
  const s = o.steps[step];
  return s ? observable(s.events) : null;
}

function sideKinds(o: Outcome, step: number): string {
  if (o.create !== 0 && step >= 0) return "not-created";
  const obs = stepObserved(o, step);
  return obs === null ? "not-run" : kindsOf(obs);
}

function finding(
  ctx: Context,
  cls: FindingClass,
  step: number | null,
  side: Side | "both",
  key: string,
  detail: string,
): Finding {
  const signature = [cls, side, key, guestKind(ctx.scenario.guest)].join("|");
  return { class: cls, severity: severityOf(cls), signature, step, side, detail };
}

function stepFinding(ctx: Context, cls: FindingClass, step: number, side: Side | "both", detail: string): Finding {
  const key = `${stepLabel(ctx, step)}|A:${sideKinds(ctx.a, step)}|B:${sideKinds(ctx.b, step)}`;
  ctx.stepsWithFindings.add(step);
  return finding(ctx, cls, step, side, key, detail);
}

function stepCount(o: Outcome): number {
  return o.create === 0 ? o.steps.length : 0;
}

/** The first step (from creation on) where `pick` holds for one side and the other side does not show the same. */
function firstOneSided(ctx: Context, cls: FindingClass, pick: (o: Observed) => boolean, words: string): Finding[] {
  const found: Finding[] = [];
  for (const side of SIDES) {
    const mine = outcomeOf(ctx, side);
    const theirs = outcomeOf(ctx, other(side));
    for (let step = -1; step < stepCount(mine); step++) {
      const hits = (stepObserved(mine, step) ?? []).filter(pick);
      if (hits.length === 0) continue;
      const theirObs = stepObserved(theirs, step) ?? [];
      const shared = hits.every((h) => theirObs.some((t) => t.kind === h.kind && t.address === h.address));
      if (shared) continue;
      found.push(stepFinding(ctx, cls, step, side, `${side === "A" ? ctx.a.impl : ctx.b.impl}: ${words}`));
      break;
    }
  }
  return found;
}

const exposes = (o: Observed) =>
  (o.kind.startsWith("guest-access:") || o.kind.startsWith("host-access:")) && !o.kind.endsWith(":guest-ram");

function ubEvents(o: Outcome): { step: number; e: Extract<Event, { kind: "ub" }> }[] {
  const all = [{ step: -1, events: o.createEvents }, ...o.steps.map((s, i) => ({ step: i, events: s.events }))];
  return all.flatMap(({ step, events }) => events.flatMap((e) => (e.kind === "ub" ? [{ step, e }] : [])));
}

/** Which bits differ, with the address field (bits 12..51) summarized so profiles do not split the signature. */
function differingBits(xor: bigint): string {
  const flags = xor & 0xfff0000000000fffn;
  const address = (xor & 0x000ffffffffff000n) !== 0n ? "+address" : "";
  return `0x${flags.toString(16)}${address}`;
}

/** The checks, in the order their findings are listed. */
export const CHECKS: readonly Check[] = [
  {
    name: "vm-creation",
    run(ctx) {
      const okA = ctx.a.create === 0;
      const okB = ctx.b.create === 0;
      if (okA === okB) return [];
      const words = (o: Outcome) => (o.create === 0 ? "created" : `refused (errno ${o.create})`);
      const detail = `VM creation: ${ctx.a.impl} ${words(ctx.a)}, ${ctx.b.impl} ${words(ctx.b)}`;
      return [
        finding(
          ctx,
          "exit-mismatch",
          -1,
          "both",
          `create|A:${okA ? "ok" : "refused"}|B:${okB ? "ok" : "refused"}`,
          detail,
        ),
      ];
    },
  },
  {
    name: "host-crash",
    run: (ctx) => firstOneSided(ctx, "host-crash", (o) => o.kind === "host-crash", "the host kernel faults"),
  },
  {
    name: "memory-reached",
    run: (ctx) =>
      firstOneSided(ctx, "host-memory-exposure", exposes, "an access reaches host memory that does not back the guest"),
  },
  {
    name: "guest-exception-and-exits",
    run(ctx) {
      if (ctx.a.create !== 0 || ctx.b.create !== 0) return [];
      const n = Math.min(ctx.a.steps.length, ctx.b.steps.length);
      for (let step = 0; step < n; step++) {
        if (ctx.stepsWithFindings.has(step)) return [];
        const oa = stepObserved(ctx.a, step)!;
        const ob = stepObserved(ctx.b, step)!;
        if (sameObserved(oa, ob)) continue;
        return [
          stepFinding(
            ctx,
            "exit-mismatch",
            step,
            "both",
            `${ctx.a.impl}: ${kindsOf(oa)}; ${ctx.b.impl}: ${kindsOf(ob)}`,
          ),
        ];
      }
      return [];
    },
  },
  {
    name: "undefined-behaviour",
    run(ctx) {
      const found: Finding[] = [];
      for (const side of SIDES) {
        const first = ubEvents(outcomeOf(ctx, side))[0];
        if (!first) continue;
        const detail = first.e.detail.replace(/-?\b\d+\b/g, "N");
        found.push(
          finding(
            ctx,
            "undefined-behaviour",
            first.step,
            side,
            `${first.e.site}|${detail}`,
            `${first.e.site}: ${first.e.detail}`,
          ),
        );
      }
      return found;
    },
  },
  {
    name: "final-pte",
    run(ctx) {
      if (ctx.a.create !== 0 || ctx.b.create !== 0) return [];
      const skipPages = new Set<bigint>();
      for (const step of ctx.stepsWithFindings) {
        const s = ctx.scenario.steps[step];
        if (s) skipPages.add(s.gpa & ~0xfffn);
      }
      const machine = new Machine(ctx.scenario);
      const pages = new Set([...ctx.a.ptes.keys(), ...ctx.b.ptes.keys()]);
      let bitsOnly: Finding | null = null;
      for (const page of [...pages].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))) {
        if (skipPages.has(page)) continue;
        const pa = ctx.a.ptes.get(page) ?? 0n;
        const pb = ctx.b.ptes.get(page) ?? 0n;
        if (pa === pb) continue;
        const ba = pteBehaviour(machine, page, pa);
        const bb = pteBehaviour(machine, page, pb);
        const region = regionOf(ctx.scenario.memory, page);
        const hexes = `0x${pa.toString(16)} vs 0x${pb.toString(16)}`;
        if (ba !== bb) {
          const key = `pte|${region}|A:${behaviourKind(ba)}|B:${behaviourKind(bb)}`;
          return [
            finding(ctx, "pte-mismatch", null, "both", key, `nested PTE of page 0x${page.toString(16)}: ${hexes}`),
          ];
        }
        const key = `pte|${region}|bits:${differingBits(pa ^ pb)}`;
        bitsOnly ??= finding(ctx, "pte-bits", null, "both", key, `nested PTE of page 0x${page.toString(16)}: ${hexes}`);
      }
      return bitsOnly ? [bitsOnly] : [];
    },
  },
];

/** All findings of one scenario's two outcomes; empty when the two agree. */
export function diffOutcomes(scenario: Scenario, a: Outcome, b: Outcome): Finding[] {
  const ctx: Context = { scenario, a, b, stepsWithFindings: new Set() };
  return CHECKS.flatMap((check) => check.run(ctx));
}

/** A side threw while running: a bug in this project, reported as a finding. */
export function implementationError(scenario: Scenario, side: Side, impl: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  const key = message.replace(/0x[0-9a-f]+/gi, "X").replace(/\b\d+\b/g, "N");
  return {
    class: "implementation-error",
    severity: severityOf("implementation-error"),
    signature: ["implementation-error", side, impl, key, guestKind(scenario.guest)].join("|"),
    step: null,
    side,
    detail: `${impl} threw: ${message}`,
  };
}
