// A finding's file from its evidence: the run of its (minimized) scenario that showed it, labelled (reach on the
// catalog's CPUs, introduced against the baseline), put into words by the report and assembled by the store.
// The scenario itself is not run again.
import type { Finding } from "../diff/finding";
import { labelFindings } from "../diff/labels";
import type { Implementation, PairResult } from "../diff/run-pair";
import { findingText } from "../report/finding-text";
import type { Scenario } from "../scenario/types";
import type { FindingFile, FoundBy } from "../store/finding-file";
import { makeFindingFile } from "../store/make-finding-file";

export interface FindingEvidence {
  /** The finding as `run` shows it. */
  finding: Finding;
  scenario: Scenario;
  /** The run of `scenario` through A and B the finding was taken from. */
  run: PairResult;
}

export function findingRecord(
  evidence: FindingEvidence,
  implA: Implementation,
  implB: Implementation,
  baseline: Implementation | null,
  found: FoundBy,
): FindingFile {
  const { finding, scenario, run } = evidence;
  const [labels] = labelFindings(scenario, [finding], implA, implB, baseline);
  return makeFindingFile({
    finding,
    scenario,
    impl: implA.name,
    against: implB.name,
    labels: labels!,
    baseline: baseline?.name ?? null,
    words: findingText(finding, run, scenario),
    found,
  });
}
