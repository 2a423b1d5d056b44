// The review verdict in plain words: what the patch breaks on real hardware, what it inherits from the tree, what
// rests on a policy, what only exotic CPUID reaches. Every summary opens with it; counts count real-CPU findings.
import type { Severity } from "../diff/classes";
import { SEVERITY_ORDER } from "../diff/classes";
import type { Labelled } from "./label-words";

export interface VerdictFinding extends Labelled {
  class: string;
  severity: Severity;
  signature: string;
}

export type VerdictGroup = "breaks" | "inherited" | "policy" | "exotic";

export interface VerdictRow<F extends VerdictFinding = VerdictFinding> {
  group: VerdictGroup;
  /** What the row means, in words. */
  title: string;
  findings: F[];
}

export interface Verdict<F extends VerdictFinding = VerdictFinding> {
  /** One paragraph in plain words. */
  text: string;
  rows: VerdictRow<F>[];
  /** Findings above info that a real CPU reaches: the headline count. */
  real: number;
}

export function groupOf(f: VerdictFinding): VerdictGroup {
  if (f.reach.kind === "exotic-cpuid") return "exotic";
  if (f.introduced === false) return "inherited";
  return f.basis === "policy" ? "policy" : "breaks";
}

function bySeverity(findings: readonly VerdictFinding[]): string {
  const parts = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function things(n: number, one: string, many: string): string {
  return `${n === 0 ? "no" : n} ${n === 1 ? one : many}`;
}

/** The verdict over a run's findings (info findings, PTE bits only, are left out: the CPU behaves the same). */
export function verdictOf<F extends VerdictFinding>(
  all: readonly F[],
  who: { impl: string; against: string; baseline: string | null },
): Verdict<F> {
  const findings = all.filter((f) => f.severity !== "info");
  const rows: VerdictRow<F>[] = [
    {
      group: "breaks",
      title:
        who.baseline === null
          ? "Fails on real hardware, by the specs (no baseline: introduced or inherited is not known)"
          : `Breaks on real hardware: introduced by ${who.impl}, by the specs`,
      findings: [],
    },
    {
      group: "inherited",
      title: `Inherited: the tree before the patch (${who.baseline ?? "no baseline"}) shows the same on real hardware`,
      findings: [],
    },
    { group: "policy", title: "Rests on a policy: real hardware, but the specs leave the answer open", findings: [] },
    {
      group: "exotic",
      title: "Only exotic CPUID reaches it (no catalog CPU does): robustness defects of the CPUID handling",
      findings: [],
    },
  ];
  for (const f of findings) rows.find((r) => r.group === groupOf(f))!.findings.push(f);
  const [breaks, inherited, policy, exotic] = rows.map((r) => r.findings) as [F[], F[], F[], F[]];
  const real = breaks.length + inherited.length + policy.length;
  const subject = `${who.impl} against ${who.against}`;
  const rules = (fs: readonly F[]) => [...new Set(fs.flatMap((f) => f.policyRules))].sort().join(", ");
  const onPolicy = inherited.filter((f) => f.basis === "policy");
  const sentences: string[] = [];
  if (findings.length === 0)
    sentences.push(`${subject}: no finding above info (the CPU behaves the same on both sides).`);
  else {
    const own =
      who.baseline === null
        ? `On real AMD hosts, ${subject} fails in ${things(breaks.length, "way", "ways")} by the specs${bySeverity(breaks)}`
        : `On real AMD hosts, ${who.impl} breaks ${things(breaks.length, "thing", "things")} the tree did not, by the ` +
          `specs${bySeverity(breaks)}`;
    sentences.push(
      `${own}${policy.length > 0 ? `; ${policy.length} more ${policy.length === 1 ? "rests" : "rest"} on a policy the specs leave open (${rules(policy)})` : ""}.`,
    );
    if (who.baseline !== null) {
      sentences.push(
        `${inherited.length === 0 ? "Nothing is" : `${inherited.length} more ${inherited.length === 1 ? "is" : "are"}`} ` +
          `inherited from ${who.baseline}${bySeverity(inherited)}` +
          `${onPolicy.length > 0 ? `, ${onPolicy.length} of them resting on a policy (${rules(onPolicy)})` : ""}.`,
      );
    }
    if (policy.length + onPolicy.length > 0)
      sentences.push("Each policy is argued against Linux KVM in reference/RULES.md: a judgement call, not a spec.");
    sentences.push(
      `${things(exotic.length, "finding needs", "findings need")} CPUID values no catalog CPU reports` +
        `${bySeverity(exotic)}: robustness defects of the CPUID handling, not failures of shipped hardware.`,
    );
  }
  return { text: sentences.join(" "), rows, real };
}
