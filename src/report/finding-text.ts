// The words a finding file keeps: each side's events at the first divergent step, the finding as one sentence, and
// the CPU profile, all taken from the run the finding came from.
import type { Outcome } from "../cpu/events";
import type { Finding } from "../diff/finding";
import type { PairResult } from "../diff/run-pair";
import type { Scenario } from "../scenario/types";
import { eventText } from "./events-text";
import { crashReasonIn, findingWords } from "./finding-words";
import { profileWords } from "./profile-words";

export interface FindingText {
  /** The finding in one plain sentence (a crash's quotes its panic). */
  summary: string;
  /** The host's CPUs in words. */
  profile: string;
  /** Each side's events at the first divergent step (VM creation, or the final PTEs). */
  sides: { A: string[]; B: string[] };
}

/** One side at `step`: its events, VM creation (step -1, or a VM not created), or its final PTEs (null). */
export function sideAt(o: Outcome | null, step: number | null): string[] {
  if (o === null) return ["(threw)"];
  if (step === null) return [...o.ptes].map(([p, v]) => `gpa 0x${p.toString(16)}: pte 0x${v.toString(16)}`);
  if (step < 0 || o.create !== 0) {
    return [o.create === 0 ? "VM created" : `VM creation fails: errno ${o.create}`, ...o.createEvents.map(eventText)];
  }
  const s = o.steps[step];
  return s ? s.events.map(eventText) : ["(not run: the VM or host stopped)"];
}

export function findingText(finding: Finding, run: PairResult, scenario: Scenario): FindingText {
  const sides = { A: sideAt(run.a, finding.step), B: sideAt(run.b, finding.step) };
  return {
    summary: findingWords(finding.signature, crashReasonIn([...sides.A, ...sides.B])),
    profile: profileWords(scenario),
    sides,
  };
}
