// The finding file (`vmm-difffuzz.finding/1`): a minimized scenario, what diverged, and how to replay it.
import { FINDING_CLASSES, type FindingClass, type Severity } from "../diff/classes";
import type { Reach } from "../diff/reach";
import { signatureHash, type Finding } from "../diff/finding";
import { decodeScenarioJson, encodeScenario } from "../scenario/codec";
import { checkScenario } from "../scenario/validate";
import { InputError, Json, parseJsonText } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";

/** Whether B's side follows from the specs or from a policy (the diff's label, recorded as it is). */
type Basis = Finding["basis"];

export const FINDING_FORMAT = "vmm-difffuzz.finding/1";

/** How a finding was found; no wall-clock time, so the same seed writes the same bytes. */
export interface FoundBy {
  engine: string;
  seed: string;
  /** Scenarios the campaign had run when it first hit this signature. */
  execs: number;
}

export interface FindingFile {
  class: FindingClass;
  severity: Severity;
  signature: string;
  summary: string;
  impl: string;
  against: string;
  step: number | null;
  /** Whether a catalog CPU reaches the same signature, and which. */
  reach: Reach;
  /** Whether the baseline lacks this root cause (null: no baseline). */
  introduced: boolean | null;
  /** The baseline it was compared with (null: none). */
  baseline: string | null;
  basis: Basis;
  policyRules: string[];
  profile: string;
  /** Each side's events at the first divergent step, in words. */
  sides: { A: string[]; B: string[] };
  found: FoundBy;
  scenario: Scenario;
}

export function findingFileName(signature: string): string {
  return `${signatureHash(signature)}.json`;
}

/** What a finding file's name hashes: the signature, prefixed by the pair when it is not posted vs reference. */
export function storedSignature(f: Pick<FindingFile, "signature" | "impl" | "against">): string {
  return f.impl === "posted" && f.against === "reference" ? f.signature : `${f.impl}~${f.against}~${f.signature}`;
}

export function replayCommand(file: Pick<FindingFile, "impl" | "against">, path: string): string {
  const impl = file.impl === "posted" ? "" : ` --impl ${file.impl}`;
  const against = file.against === "reference" ? "" : ` --against ${file.against}`;
  return `vmm-difffuzz replay${impl}${against} ${path}`;
}

/** The file's text; its replay command names the file alone (no folder), so a run writes the same bytes anywhere. */
export function encodeFindingFile(f: FindingFile): string {
  const value = {
    format: FINDING_FORMAT,
    class: f.class,
    severity: f.severity,
    signature: f.signature,
    step: f.step,
    reach: f.reach,
    introduced: f.introduced,
    baseline: f.baseline,
    basis: f.basis,
    policyRules: f.policyRules,
    summary: f.summary,
    profile: f.profile,
    impl: f.impl,
    against: f.against,
    sides: f.sides,
    found: f.found,
    replay: replayCommand(f, findingFileName(storedSignature(f))),
    scenario: encodeScenario(f.scenario),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function decodeFindingFile(text: string): FindingFile {
  const root = parseJsonText(text);
  root.object([
    "format",
    "class",
    "severity",
    "signature",
    "summary",
    "profile",
    "impl",
    "against",
    "step",
    "reach",
    "introduced",
    "baseline",
    "basis",
    "policyRules",
    "sides",
    "found",
    "replay",
    "scenario",
  ]);
  const format = root.required("format");
  if (format.string() !== FINDING_FORMAT) format.fail(`must be "${FINDING_FORMAT}"`);
  const cls = root.required("class").oneOf(Object.keys(FINDING_CLASSES) as FindingClass[]);
  const severity = root.required("severity");
  if (severity.string() !== FINDING_CLASSES[cls].severity)
    severity.fail(`must be "${FINDING_CLASSES[cls].severity}" for class ${cls}`);
  const step = root.required("step");
  const sides = root.required("sides");
  sides.object(["A", "B"]);
  const found = root.required("found");
  found.object(["engine", "seed", "execs"]);
  const lines = (j: Json) => j.array(0, 10_000, "lines").map((l) => l.string());
  const reach = root.required("reach");
  reach.object(["kind", "realProfiles"]);
  const introduced = root.required("introduced");
  const baseline = root.required("baseline");
  const scenarioJson = root.required("scenario");
  const scenario: Scenario = decodeScenarioJson(scenarioJson);
  const problem = checkScenario(scenario);
  if (problem) throw new InputError(`scenario.${problem.path}`, problem.rule);
  return {
    class: cls,
    severity: FINDING_CLASSES[cls].severity,
    signature: root.required("signature").string(),
    summary: root.required("summary").string(),
    profile: root.required("profile").string(),
    impl: root.required("impl").string(),
    against: root.required("against").string(),
    step: step.value === null ? null : step.integer(-1, 10_000),
    reach: {
      kind: reach.required("kind").oneOf(["real-cpu", "exotic-cpuid"] as const),
      realProfiles: lines(reach.required("realProfiles")),
    },
    introduced: introduced.value === null ? null : introduced.boolean(),
    baseline: baseline.value === null ? null : baseline.string(),
    basis: root.required("basis").oneOf(["spec", "policy"] as const),
    policyRules: lines(root.required("policyRules")),
    sides: { A: lines(sides.required("A")), B: lines(sides.required("B")) },
    found: {
      engine: found.required("engine").string(),
      seed: found.required("seed").string(),
      execs: found.required("execs").integer(0, Number.MAX_SAFE_INTEGER),
    },
    scenario,
  };
}

export function findingOf(file: FindingFile): Pick<Finding, "class" | "severity" | "signature" | "step"> {
  return { class: file.class, severity: file.severity, signature: file.signature, step: file.step };
}
