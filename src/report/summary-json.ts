// summary.json as text: writing it, and reading it back with every field checked (bad input names its JSON path).
import { FINDING_CLASSES, type FindingClass } from "../diff/classes";
import { CBIT_PLACEMENTS, CELL_CODES, MAP_HEIGHT, MAP_WIDTH, type MapPanel } from "../engine/divergence-map";
import { Json, parseJsonText } from "../scenario/json-reader";
import { GUEST_KINDS } from "../scenario/types";
import { SUMMARY_FORMAT, type EngineRun, type Summary, type SummaryFinding } from "./summary-types";

export function encodeSummary(s: Summary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

const MAX = Number.MAX_SAFE_INTEGER;
const CELL = new RegExp(`^[${Object.values(CELL_CODES).join("")}]{${MAP_WIDTH}}$`);

function number(j: Json): number {
  if (typeof j.value !== "number" || !Number.isFinite(j.value) || j.value < 0) j.fail("must be a number >= 0");
  return j.value;
}

function optional<T>(j: Json, key: string, read: (v: Json) => T): T | undefined {
  return j.has(key) ? read(j.field(key)) : undefined;
}

function run(j: Json): EngineRun {
  j.object(["engine", "seed", "shard", "jobs", "execs", "seconds", "planned", "complete"]);
  const planned = optional(j, "planned", (v) => v.integer(0, MAX));
  const complete = optional(j, "complete", (v) => v.boolean());
  return {
    engine: j.required("engine").string(),
    seed: j.required("seed").integer(0, MAX),
    shard: j.required("shard").string(),
    jobs: j.required("jobs").integer(1, 4096),
    execs: j.required("execs").integer(0, MAX),
    seconds: number(j.required("seconds")),
    ...(planned === undefined ? {} : { planned }),
    ...(complete === undefined ? {} : { complete }),
  };
}

function finding(j: Json): SummaryFinding {
  j.object([
    "class",
    "severity",
    "signature",
    "reach",
    "introduced",
    "basis",
    "policyRules",
    "file",
    "replay",
    "profile",
    "summary",
    "new",
    "hits",
    "firstHit",
    "byEngine",
    "spread",
  ]);
  const cls = j.required("class").oneOf(Object.keys(FINDING_CLASSES) as FindingClass[]);
  const severity = j.required("severity");
  if (severity.string() !== FINDING_CLASSES[cls].severity)
    severity.fail(`must be "${FINDING_CLASSES[cls].severity}" for class ${cls}`);
  const first = j.required("firstHit");
  first.object(["engine", "execs", "seconds"]);
  const spread = optional(j, "spread", (v) => v.string());
  const reach = j.required("reach");
  reach.object(["kind", "realProfiles"]);
  const introduced = j.required("introduced");
  const strings = (v: Json) => v.array(0, 1000, "names").map((x) => x.string());
  return {
    class: cls,
    severity: FINDING_CLASSES[cls].severity,
    signature: j.required("signature").string(),
    reach: {
      kind: reach.required("kind").oneOf(["real-cpu", "exotic-cpuid"] as const),
      realProfiles: strings(reach.required("realProfiles")),
    },
    introduced: introduced.value === null ? null : introduced.boolean(),
    basis: j.required("basis").oneOf(["spec", "policy"] as const),
    policyRules: strings(j.required("policyRules")),
    file: j.required("file").string(),
    replay: j.required("replay").string(),
    profile: j.required("profile").string(),
    summary: j.required("summary").string(),
    new: j.required("new").boolean(),
    hits: j.required("hits").integer(0, MAX),
    firstHit: {
      engine: first.required("engine").string(),
      execs: first.required("execs").integer(0, MAX),
      seconds: number(first.required("seconds")),
    },
    byEngine: Object.fromEntries(
      j
        .required("byEngine")
        .entries()
        .map(([k, v]) => [k, v.integer(0, MAX)]),
    ),
    ...(spread === undefined ? {} : { spread }),
  };
}

function panel(j: Json): MapPanel {
  j.object(["kind", "memEncrypt", "cbitPlacement", "rows"]);
  return {
    kind: j.required("kind").oneOf(GUEST_KINDS),
    memEncrypt: j.required("memEncrypt").boolean(),
    cbitPlacement: j.required("cbitPlacement").oneOf(CBIT_PLACEMENTS),
    rows: j
      .required("rows")
      .array(MAP_HEIGHT, MAP_HEIGHT, "rows")
      .map((r) => {
        const row = r.string();
        if (!CELL.test(row)) r.fail(`must be ${MAP_WIDTH} cell codes from "${Object.values(CELL_CODES).join("")}"`);
        return row;
      }),
  };
}

export function decodeSummary(text: string): Summary {
  const root = parseJsonText(text);
  root.object([
    "format",
    "impl",
    "against",
    "baseline",
    "seed",
    "runs",
    "findings",
    "map",
    "date",
    "timeSeconds",
    "shard",
    "elapsedSeconds",
    "mergedShards",
    "sweep",
  ]);
  const format = root.required("format");
  if (format.string() !== SUMMARY_FORMAT) format.fail(`must be "${SUMMARY_FORMAT}"`);
  const sweep = optional(root, "sweep", (v) => {
    v.object(["pointsDone", "pointsInShard", "pointsTotal"]);
    return {
      pointsDone: v.required("pointsDone").integer(0, MAX),
      pointsInShard: v.required("pointsInShard").integer(0, MAX),
      pointsTotal: v.required("pointsTotal").integer(0, MAX),
    };
  });
  const extra = {
    date: optional(root, "date", (v) => v.string()),
    timeSeconds: optional(root, "timeSeconds", number),
    shard: optional(root, "shard", (v) => v.string()),
    elapsedSeconds: optional(root, "elapsedSeconds", number),
    mergedShards: optional(root, "mergedShards", (v) => v.array(0, 100_000).map((s) => s.string())),
    sweep,
  };
  return {
    format: SUMMARY_FORMAT,
    impl: root.required("impl").string(),
    against: root.required("against").string(),
    baseline: root.required("baseline").value === null ? null : root.required("baseline").string(),
    seed: root.required("seed").integer(0, MAX),
    runs: root
      .required("runs")
      .array(0, 1_000_000)
      .map((r) => run(r)),
    findings: root
      .required("findings")
      .array(0, 1_000_000)
      .map((f) => finding(f)),
    map: root
      .required("map")
      .array(0, 10_000, "panels")
      .map((p) => panel(p)),
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}
