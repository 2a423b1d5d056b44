// Outcomes and findings as plain JSON values (bigint as hex strings), for --json output.
import type { Event, Outcome } from "../cpu/events";
import type { LabelledFinding } from "../diff/labels";

function eventJson(e: Event): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === "bigint" ? `0x${v.toString(16)}` : v]));
}

export function outcomeJson(o: Outcome): Record<string, unknown> {
  return {
    impl: o.impl,
    create: o.create,
    createEvents: o.createEvents.map(eventJson),
    steps: o.steps.map((s) => s.events.map(eventJson)),
    ptes: Object.fromEntries([...o.ptes].map(([p, v]) => [`0x${p.toString(16)}`, `0x${v.toString(16)}`])),
  };
}

export function findingJson(f: LabelledFinding): Record<string, unknown> {
  return {
    class: f.class,
    severity: f.severity,
    signature: f.signature,
    step: f.step,
    reach: f.reach,
    introduced: f.introduced,
    basis: f.basis,
    policyRules: f.policyRules,
    side: f.side,
    detail: f.detail,
  };
}
