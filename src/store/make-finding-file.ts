// Puts a finding file together from what its caller knows: the finding as its minimized run showed it, its labels,
// its words and how it was found. It runs nothing and words nothing: the store only stores.
import type { Finding } from "../diff/finding";
import type { Reach } from "../diff/reach";
import type { Scenario } from "../scenario/types";
import type { FindingFile, FoundBy } from "./finding-file";

export interface FindingFileParts {
  /** The finding as the run of `scenario` shows it (its basis and policy rules are that run's). */
  finding: Finding;
  scenario: Scenario;
  impl: string;
  against: string;
  labels: { reach: Reach; introduced: boolean | null };
  /** The implementation `introduced` was told against (null: none). */
  baseline: string | null;
  words: { summary: string; profile: string; sides: { A: string[]; B: string[] } };
  found: FoundBy;
}

export function makeFindingFile(p: FindingFileParts): FindingFile {
  const { finding } = p;
  return {
    class: finding.class,
    severity: finding.severity,
    signature: finding.signature,
    reach: p.labels.reach,
    introduced: p.labels.introduced,
    baseline: p.baseline,
    basis: finding.basis,
    policyRules: finding.policyRules,
    summary: p.words.summary,
    profile: p.words.profile,
    impl: p.impl,
    against: p.against,
    step: finding.step,
    sides: p.words.sides,
    found: p.found,
    scenario: { ...p.scenario, note: undefined, expect: undefined },
  };
}
