// The JSON form of a scenario (`vmm-difffuzz.scenario/1`): decoding with field-by-field checks, and encoding.
import { ErrorCollector, hex, hex32, InputError, Json, parseJsonText } from "./json-reader";
import {
  SCENARIO_FORMAT,
  VMM_MAX_VCPUS_PER_VM,
  type CpuidRegs,
  type HostCpu,
  type MemRange,
  type Scenario,
  type Step,
} from "./types";
import { checkScenario } from "./validate";

const U32_MAX = 0xffffffffn;
/** Steps one scenario may hold. */
export const MAX_STEPS = 256;
/** Host CPUs one scenario may hold. */
export const MAX_CPUS = 64;

function decodeLeaf(j: Json): CpuidRegs {
  j.object(["eax", "ebx", "ecx", "edx"]);
  const reg = (r: string) => (j.has(r) ? Number(j.field(r).hex(U32_MAX)) : 0);
  return { eax: reg("eax"), ebx: reg("ebx"), ecx: reg("ecx"), edx: reg("edx") };
}

function decodeCpu(j: Json): HostCpu {
  j.object(["vendor", "cpuid"]);
  const vendor = j.required("vendor").string();
  const table = j.required("cpuid");
  const cpuid = new Map<number, CpuidRegs>();
  for (const [key, value] of table.entries()) {
    const leaf = Number(new Json(key, value.path).hex(U32_MAX));
    if (cpuid.has(leaf)) value.fail("leaf given twice");
    cpuid.set(leaf, decodeLeaf(value));
  }
  return { vendor, cpuid };
}

function decodeRange(j: Json): MemRange {
  j.object(["gpa", "size", "type"]);
  return {
    gpa: j.required("gpa").hex(),
    size: j.required("size").hex(),
    type: j.required("type").oneOf(["ram", "reserved", "mmio"]),
  };
}

/** The optional fields every step has: the host CPU it runs on and the guest vcpu that takes it. */
function optionalCpu(j: Json): { cpu?: number; vcpu?: number } {
  return {
    ...(j.has("cpu") ? { cpu: j.field("cpu").integer(0, MAX_CPUS - 1) } : {}),
    ...(j.has("vcpu") ? { vcpu: j.field("vcpu").integer(0, VMM_MAX_VCPUS_PER_VM - 1) } : {}),
  };
}

function decodeStep(j: Json): Step {
  const op = j.object(["op", "gpa", "kind", "size", "walk", "write", "guestWrite", "cpu", "vcpu"]).op;
  const opJson = j.required("op");
  switch (opJson.oneOf(["access", "mmio-nae", "ghcb", "pvclock", "wallclock", "vmd-pvclock", "ghcb-msr"])) {
    case "access": {
      j.object(["op", "gpa", "kind", "size", "walk", "cpu", "vcpu"]);
      const walk = j.has("walk") ? { walk: j.field("walk").boolean() } : {};
      return {
        op: "access",
        gpa: j.required("gpa").hex(),
        kind: j.required("kind").oneOf(["read", "write", "fetch"]),
        size: j.required("size").integer(1, 8),
        ...walk,
        ...optionalCpu(j),
      };
    }
    case "mmio-nae":
      j.object(["op", "gpa", "write", "size", "cpu", "vcpu"]);
      return {
        op: "mmio-nae",
        gpa: j.required("gpa").hex(),
        write: j.required("write").boolean(),
        size: j.required("size").integer(1, 8),
        ...optionalCpu(j),
      };
    case "ghcb": {
      j.object(["op", "gpa", "guestWrite", "cpu", "vcpu"]);
      const guestWrite = j.has("guestWrite") ? { guestWrite: j.field("guestWrite").boolean() } : {};
      return { op: "ghcb", gpa: j.required("gpa").hex(), ...guestWrite, ...optionalCpu(j) };
    }
    case "pvclock":
    case "wallclock":
    case "vmd-pvclock":
    case "ghcb-msr":
      j.object(["op", "gpa", "cpu", "vcpu"]);
      return {
        op: op as "pvclock" | "wallclock" | "vmd-pvclock" | "ghcb-msr",
        gpa: j.required("gpa").hex(),
        ...optionalCpu(j),
      };
  }
}

function decodeExpect(j: Json): Record<string, string[]> {
  const expect: Record<string, string[]> = {};
  for (const [impl, list] of j.entries()) expect[impl] = list.array(0, 1000, "signatures").map((sig) => sig.string());
  return expect;
}

/** Decodes the structure of a scenario (types, fields, ranges of single values) without the cross-field rules. */
export function decodeScenarioJson(root: Json): Scenario {
  // Each independent part is decoded on its own, so every bad part of a file is reported, one line each.
  const v = root.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) root.fail("must be an object");
  const errors = new ErrorCollector();
  errors.try(() =>
    root.object(["$schema", "format", "note", "invalidMemory", "expect", "host", "guest", "memory", "steps"]),
  );
  if (root.has("$schema")) errors.try(() => root.field("$schema").string());
  errors.try(() => {
    const format = root.required("format");
    if (format.string() !== SCENARIO_FORMAT) format.fail(`must be "${SCENARIO_FORMAT}"`);
  });
  const hostConfig = errors.try(() => {
    const host = root.required("host");
    const parts = new ErrorCollector();
    parts.try(() => host.object(["cpus", "memEncrypt", "decodeAssist", "ramBytes", "pvEntries", "reductionReserved"]));
    const config = {
      cpus: parts.try(() => {
        const list = host.required("cpus").array(1, MAX_CPUS, "CPUs");
        const each = new ErrorCollector();
        const cpus = list.map((c) => each.try(() => decodeCpu(c)));
        each.check();
        return cpus as HostCpu[];
      }),
      memEncrypt: parts.try(() => host.required("memEncrypt").boolean()),
      decodeAssist: parts.try(() => host.required("decodeAssist").boolean()),
      ramBytes: parts.try(() => host.required("ramBytes").hex()),
    } as Scenario["host"];
    if (host.has("pvEntries")) parts.try(() => (config.pvEntries = host.field("pvEntries").integer(0, 0xffff)));
    if (host.has("reductionReserved")) {
      parts.try(() => (config.reductionReserved = host.field("reductionReserved").boolean()));
    }
    parts.check();
    return config;
  });
  const guestConfig = errors.try(() => {
    const guest = root.required("guest");
    guest.object(["sev", "sevEs", "vcpus"]);
    const vcpus = guest.has("vcpus") ? { vcpus: guest.field("vcpus").integer(1, VMM_MAX_VCPUS_PER_VM) } : {};
    return { sev: guest.required("sev").boolean(), sevEs: guest.required("sevEs").boolean(), ...vcpus };
  });
  const listOf = <T>(key: string, max: number, what: string, decode: (j: Json) => T): T[] | undefined =>
    errors.try(() => {
      const items = root.required(key).array(0, max, what);
      const each = new ErrorCollector();
      const decoded = items.map((j) => each.try(() => decode(j)));
      each.check();
      return decoded as T[];
    });
  const memory = listOf("memory", 64, "ranges", decodeRange);
  const steps = listOf("steps", MAX_STEPS, "steps", decodeStep);
  const invalidMemory = root.has("invalidMemory") ? errors.try(() => root.field("invalidMemory").boolean()) : false;
  const note = root.has("note") ? errors.try(() => root.field("note").string()) : undefined;
  const expect = root.has("expect") ? errors.try(() => decodeExpect(root.field("expect"))) : undefined;
  errors.check();
  const scenario: Scenario = { host: hostConfig!, guest: guestConfig!, memory: memory!, steps: steps! };
  if (invalidMemory) scenario.invalidMemory = true;
  if (note !== undefined) scenario.note = note;
  if (expect !== undefined) scenario.expect = expect;
  return scenario;
}

/** Decodes and validates a scenario JSON value; throws InputError naming the path and the rule. */
export function decodeScenario(root: Json): Scenario {
  const scenario = decodeScenarioJson(root);
  const problem = checkScenario(scenario);
  if (problem) throw new InputError(problem.path, problem.rule);
  return scenario;
}

/** Parses scenario text as read from `file`; throws InputError carrying the file name. */
export function parseScenario(text: string, file = ""): Scenario {
  try {
    return decodeScenario(parseJsonText(text));
  } catch (e) {
    if (e instanceof InputError) e.file = file;
    throw e;
  }
}

function encodeStep(s: Step): Record<string, unknown> {
  const cpu = { ...(s.cpu === undefined ? {} : { cpu: s.cpu }), ...(s.vcpu === undefined ? {} : { vcpu: s.vcpu }) };
  switch (s.op) {
    case "access":
      return {
        op: s.op,
        gpa: hex(s.gpa),
        kind: s.kind,
        size: s.size,
        ...(s.walk === undefined ? {} : { walk: s.walk }),
        ...cpu,
      };
    case "mmio-nae":
      return { op: s.op, gpa: hex(s.gpa), write: s.write, size: s.size, ...cpu };
    case "ghcb":
      return { op: s.op, gpa: hex(s.gpa), ...(s.guestWrite === undefined ? {} : { guestWrite: s.guestWrite }), ...cpu };
    case "pvclock":
    case "wallclock":
    case "vmd-pvclock":
    case "ghcb-msr":
      return { op: s.op, gpa: hex(s.gpa), ...cpu };
  }
}

/** The JSON value of a scenario (64-bit values as hex strings, leaves in ascending order). */
export function encodeScenario(s: Scenario): Record<string, unknown> {
  return {
    format: SCENARIO_FORMAT,
    ...(s.note === undefined ? {} : { note: s.note }),
    ...(s.invalidMemory ? { invalidMemory: true } : {}),
    ...(s.expect === undefined ? {} : { expect: s.expect }),
    host: {
      cpus: s.host.cpus.map((cpu) => ({
        vendor: cpu.vendor,
        cpuid: Object.fromEntries(
          [...cpu.cpuid.entries()]
            .sort(([a], [b]) => a - b)
            .map(([leaf, r]) => [
              hex32(leaf),
              { eax: hex32(r.eax), ebx: hex32(r.ebx), ecx: hex32(r.ecx), edx: hex32(r.edx) },
            ]),
        ),
      })),
      memEncrypt: s.host.memEncrypt,
      decodeAssist: s.host.decodeAssist,
      ramBytes: hex(s.host.ramBytes),
      ...(s.host.pvEntries === undefined ? {} : { pvEntries: s.host.pvEntries }),
      ...(s.host.reductionReserved === undefined ? {} : { reductionReserved: s.host.reductionReserved }),
    },
    guest: { sev: s.guest.sev, sevEs: s.guest.sevEs, ...(s.guest.vcpus === undefined ? {} : { vcpus: s.guest.vcpus }) },
    memory: s.memory.map((m) => ({ gpa: hex(m.gpa), size: hex(m.size), type: m.type })),
    steps: s.steps.map(encodeStep),
  };
}

/** Scenario as JSON text, two-space indented, ending in a newline. */
export function scenarioToText(s: Scenario): string {
  return `${JSON.stringify(encodeScenario(s), null, 2)}\n`;
}
