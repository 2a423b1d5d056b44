// Builds the finding file of one finding: reruns its scenario to record both sides at the divergent step.
import type { Outcome } from "../cpu/events";
import type { Finding } from "../diff/finding";
import { runPair, type Implementation } from "../diff/run-pair";
import { eventText } from "../report/events-text";
import { crashReasonIn, findingWords } from "../report/finding-words";
import { profileWords } from "../report/profile-words";
import type { Scenario } from "../scenario/types";
import type { FindingFile, FoundBy } from "./finding-file";

function sideAt(o: Outcome | null, step: number | null): string[] {
  if (o === null) return ["(threw)"];
  if (step === null) return [...o.ptes].map(([p, v]) => `gpa 0x${p.toString(16)}: pte 0x${v.toString(16)}`);
  if (step < 0 || o.create !== 0) {
    return [o.create === 0 ? "VM created" : `VM creation fails: errno ${o.create}`, ...o.createEvents.map(eventText)];
  }
  const s = o.steps[step];
  return s ? s.events.map(eventText) : ["(not run: the VM or host stopped)"];
}

export function makeFindingFile(
  finding: Finding,
  scenario: Scenario,
  implA: Implementation,
  implB: Implementation,
  found: FoundBy,
): FindingFile {
  const { a, b } = runPair(scenario, implA, implB);
  const profile = profileWords(scenario);
  const sides = { A: sideAt(a, finding.step), B: sideAt(b, finding.step) };
  return {
    class: finding.class,
    severity: finding.severity,
    signature: finding.signature,
    summary: findingWords(finding.signature, crashReasonIn([...sides.A, ...sides.B])),
    profile,
    impl: implA.name,
    against: implB.name,
    step: finding.step,
    sides,
    found,
    scenario: { ...scenario, note: undefined, expect: undefined },
  };
}
