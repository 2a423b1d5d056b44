// The patch series: every prefix builds and runs, changes only what its diff changes, and removes exactly the
// findings its commit message names; the whole series against the reference, against the tree before and against a
// reordering without its guards.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/cpu/vcpu";
import { runPair, type Implementation } from "../../../src/diff/run-pair";
import { catalogFindings } from "../../../src/engine/catalog-probes";
import { implementation } from "../../../src/impls";
import { PortHypervisor } from "../../../src/port/hypervisor";
import type { Tree } from "../../../src/port/kernel";
import { getVariant } from "../../../src/port/variants";
import { prePatch } from "../../../src/port/variants/pre-patch";
import { proposed } from "../../../src/port/variants/proposed";
import { SERIES_PATCHES, SERIES_PREFIXES } from "../../../src/port/variants/series";
import { series3 } from "../../../src/port/variants/series/0003-seves-needs-rsvd-bits";
import { series7 } from "../../../src/port/variants/series/0007-npf-mmio-rsvd-bits";
import { portVariant } from "../../../src/port/variants/variant";
import { parseScenario } from "../../../src/scenario/codec";
import type { Scenario, Step } from "../../../src/scenario/types";
import { corpusFiles } from "../../../src/store/corpus";
import { CrashStore } from "../../../src/store/crash-store";
import { EAGAIN } from "../../../src/port/errno";
import { SEV_VMGEXIT_MMIO_READ } from "../../../src/port/vmmvar";
import { MMIO_BAR, scenario } from "../fixtures";

const SERIES_DIR = join(__dirname, "../../../src/port/variants/series");
const ROOT = join(__dirname, "../../..");

/** The regression inputs: every scenario of corpus/ and crashes/ (each known finding has one). */
const SCENARIOS: Scenario[] = [
  ...corpusFiles(join(ROOT, "corpus")).map((f) => parseScenario(readFileSync(f, "utf8"), f)),
  ...new CrashStore(join(ROOT, "crashes")).all().map((f) => f.scenario),
];

function signatures(a: Implementation, b: Implementation, scenarios = SCENARIOS): Set<string> {
  const s = new Set<string>();
  for (const sc of scenarios) for (const f of runPair(sc, a, b).findings) s.add(f.signature);
  return s;
}

const ref = implementation("reference");
const impl = (name: string): Implementation => implementation(name);
const asImpl = (tree: Tree): Implementation => ({ name: tree.name, factory: portVariant("a test tree", tree).factory });
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();
const aboveInfo = (sigs: Iterable<string>) => [...sigs].filter((s) => !s.startsWith("pte-bits|")).sort();

/** The commit message of patch `n` (1-based): the text before its first diff. */
function message(n: number): string {
  const text = readFileSync(join(SERIES_DIR, SERIES_PATCHES[n - 1]!), "utf8");
  return text.slice(0, text.indexOf("\ndiff -u "));
}

/** The tab-indented signatures after the line that ends with `heading` (none when the line ends with "none"). */
function listedAfter(msg: string, heading: RegExp): string[] {
  const lines = msg.split("\n");
  const at = lines.findIndex((l) => heading.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith("\t")) break;
    out.push(l.trim());
  }
  return out.sort();
}

/** The functions each patch replaces, in the Tree's names. */
const CHANGES: Record<number, (keyof Tree)[]> = {
  1: ["identifycpu"],
  2: ["identifycpu"],
  3: ["vcpu_init_svm"],
  4: ["vmm_gpa_is_valid"],
  5: ["svm_handle_vmgexit"],
  6: ["svm_handle_vmgexit"],
  7: ["svm_handle_np_fault"],
  8: ["svm_handle_vmgexit"],
};
const FUNCTIONS: (keyof Tree)[] = [
  "identifycpu",
  "svm_handle_np_fault",
  "vcpu_init_svm",
  "svm_handle_vmgexit",
  "vmm_gpa_is_valid",
];

describe("the series' prefixes", () => {
  it("are series-1 … series-8, one per diff, each registered and its diff beside its port", () => {
    expect(SERIES_PREFIXES.map((v) => v.name)).toEqual(SERIES_PATCHES.map((_, i) => `series-${i + 1}`));
    SERIES_PREFIXES.forEach((v, i) => {
      expect(getVariant(v.name)).toBe(v);
      const diff = SERIES_PATCHES[i]!;
      expect(diff).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}-[a-z0-9-]+\\.diff$`));
      expect(readFileSync(join(SERIES_DIR, diff.replace(/\.diff$/, ".ts")), "utf8")).toContain(
        `export const series${i + 1} =`,
      );
    });
  });

  it("each replaces exactly the functions its diff changes, and keeps the others of the prefix before", () => {
    let before: Tree = prePatch.tree;
    SERIES_PREFIXES.forEach((v, i) => {
      for (const fn of FUNCTIONS) {
        if (CHANGES[i + 1]!.includes(fn)) expect(v.tree[fn], `${v.name} ${fn}`).not.toBe(before[fn]);
        else expect(v.tree[fn], `${v.name} ${fn}`).toBe(before[fn]);
      }
      before = v.tree;
    });
  });

  it("proposed is the whole series under its old name", () => {
    const last = SERIES_PREFIXES[SERIES_PREFIXES.length - 1]!;
    for (const fn of FUNCTIONS) expect(proposed.tree[fn]).toBe(last.tree[fn]);
    expect(proposed.name).toBe("proposed");
  });

  it("each builds and runs every regression input", () => {
    expect(SCENARIOS.length).toBeGreaterThan(20);
    for (const v of SERIES_PREFIXES) {
      for (const sc of SCENARIOS) expect(() => runPair(sc, impl(v.name), ref), v.name).not.toThrow();
    }
  });
});

describe("the series' diffs", () => {
  /** Each file diff's hunks: header numbers and the lines under them. */
  function hunks(text: string): { file: string; header: number[]; old: number; new: number }[] {
    const out: { file: string; header: number[]; old: number; new: number }[] = [];
    let file = "";
    for (const line of text.split("\n")) {
      const f = /^--- a\/(\S+)$/.exec(line);
      if (f) file = f[1]!;
      const h = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(line);
      if (h) out.push({ file, header: h.slice(1).map(Number), old: 0, new: 0 });
      else if (out.length > 0 && /^[ +-]/.test(line) && !/^(---|\+\+\+) [ab]\//.test(line)) {
        const last = out[out.length - 1]!;
        if (line[0] !== "+") last.old++;
        if (line[0] !== "-") last.new++;
      }
    }
    return out;
  }

  it("are unified diffs whose hunk headers count their lines and follow each other without offset", () => {
    for (const name of SERIES_PATCHES) {
      const hs = hunks(readFileSync(join(SERIES_DIR, name), "utf8"));
      expect(hs.length, name).toBeGreaterThan(0);
      const delta = new Map<string, number>();
      for (const h of hs) {
        const [oldStart, oldCount, newStart, newCount] = h.header as [number, number, number, number];
        expect([h.old, h.new], `${name} ${h.file} @@ -${oldStart}`).toEqual([oldCount, newCount]);
        expect(newStart - oldStart, `${name} ${h.file} @@ -${oldStart}`).toBe(delta.get(h.file) ?? 0);
        delta.set(h.file, (delta.get(h.file) ?? 0) + newCount - oldCount);
      }
    }
  });

  it("touch only the files of the tree the series is for", () => {
    const files = new Set(
      SERIES_PATCHES.flatMap((n) => hunks(readFileSync(join(SERIES_DIR, n), "utf8")).map((h) => h.file)),
    );
    expect([...files].sort()).toEqual([
      "sys/arch/amd64/amd64/identcpu.c",
      "sys/arch/amd64/amd64/vmm_machdep.c",
      "sys/arch/amd64/include/cpu.h",
      "sys/arch/amd64/include/specialreg.h",
      "sys/arch/amd64/include/vmmvar.h",
    ]);
  });

  it("use the tree's MSR_SYS_CFG and define no second name for SYSCFG", () => {
    const added = SERIES_PATCHES.flatMap((n) =>
      readFileSync(join(SERIES_DIR, n), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("+") && !l.startsWith("+++")),
    );
    expect(added.some((l) => l.includes("rdmsr_safe(MSR_SYS_CFG,"))).toBe(true);
    expect(added.filter((l) => /#define\s+MSR_/.test(l))).toEqual([]);
    expect(added.some((l) => /MSR_SYSCFG\b/.test(l))).toBe(false);
  });
});

describe("each patch removes exactly the findings its commit message names", () => {
  const prefixes = ["pre-patch", ...SERIES_PREFIXES.map((v) => v.name)];
  const found = prefixes.map((p) => signatures(impl(p), ref));

  SERIES_PATCHES.forEach((file, i) => {
    it(`${file}: removed findings as its message says, none added above info`, () => {
      const msg = message(i + 1);
      expect(msg).toMatch(/^\S.*\n\n/); // a subject line, then a blank line
      expect(msg).toMatch(/For a guest/);
      expect(msg).toMatch(/vmd/);
      const said = listedAfter(msg, /^Findings removed \(vmm-difffuzz, against the reference model\):$/);
      if (said.length === 0)
        expect(msg).toMatch(/Findings removed \(vmm-difffuzz, against the reference model\): none/);
      expect(minus(found[i]!, found[i + 1]!)).toEqual(said);
      expect(aboveInfo(minus(found[i + 1]!, found[i]!))).toEqual([]);
    });
  });

  it("0004 and 0005 guard 0007: without them, 0007 brings back what their messages name", () => {
    const withoutGuard = (n: number, tree: Tree) => {
      const said = listedAfter(message(n), /without this patch 0007 brings back$/);
      expect(said.length, `message of patch ${n}`).toBeGreaterThan(0);
      const sigs = signatures(asImpl(tree), ref);
      for (const s of said) expect(sigs.has(s), `${s} without patch ${n}`).toBe(true);
      expect(signatures(impl("series-7"), ref).has(said[0]!)).toBe(false);
    };
    // 0007 without 0004: the shared vmm_gpa_is_valid of the tree before.
    withoutGuard(4, { ...series7.tree, name: "without-0004", vmm_gpa_is_valid: prePatch.tree.vmm_gpa_is_valid });
    // 0007 without 0005 (and 0006, which rewrites the same lines): the tree's svm_handle_vmgexit.
    withoutGuard(5, { ...series7.tree, name: "without-0005", svm_handle_vmgexit: series3.tree.svm_handle_vmgexit });
  });
});

describe("the whole series", () => {
  it("shows nothing above info against the reference, on the regression inputs and on every catalog CPU", () => {
    // What the tree before the patch shows too (found by the later checks and ops: the pvclock and wall clock
    // checks, the GHCB MSR protocol) is not the series' to fix: it adds nothing above info of its own.
    const tree = signatures(impl("pre-patch"), ref);
    expect(aboveInfo(signatures(impl("series-8"), ref)).filter((s) => !tree.has(s))).toEqual([]);
    expect(catalogFindings(impl("series-8"), ref)).toEqual([]);
  });

  it("differs from the tree before only in the intended changes", () => {
    // What the series changes on purpose, as A:series-8 vs B:pre-patch, and the patch that changes it.
    const INTENDED = [
      // 0001: no SEV where CPUs disagree on the C-bit; 0003: no SEV-ES without reserved bits.
      "exit-mismatch|both|create|A:refused|B:ok|sev",
      "exit-mismatch|both|create|A:refused|B:ok|sev-es",
      // 0007: MMIO of an SEV-ES guest raises #VC instead of an exit to vmd it cannot serve.
      "exit-mismatch|both|access|mmio|A:vc:0x400|B:vmd-exit:mmio-assist:bytes|sev-es",
      "exit-mismatch|both|access|mmio|A:vc:0x400|B:vmd-exit:mmio-assist|sev-es",
      // 0007, on a host where the vcpu runs on a CPU without SEV-ES (no real host): the reserved-bit fault is an
      // automatic #NPF there and the access makes no progress, as in the model.
      "exit-mismatch|both|access|mmio|A:no-progress|B:vmd-exit:mmio-assist:bytes|sev-es",
      "exit-mismatch|both|access|mmio|A:no-progress|B:vmd-exit:mmio-assist|sev-es",
      // 0006: a moved GHCB is read from its new page (in RAM or in a reserved range).
      "exit-mismatch|both|ghcb|ram|A:nothing|B:vm-error|sev-es",
      "exit-mismatch|both|ghcb|reserved|A:nothing|B:vm-error|sev-es",
      // 0006, as the host sees it: the request is read from the new GHCB page, not the one registered first.
      "guest-memory-mismatch|both|guest-pages|ghcb|ram|A:ghcb:step-page|B:nothing|sev-es",
      "guest-memory-mismatch|both|guest-pages|ghcb|reserved|A:ghcb:step-page|B:nothing|sev-es",
      "exit-mismatch|both|ghcb|ram|A:guest-access:guest-ram|B:guest-access:guest-ram,vm-error|sev-es",
      "exit-mismatch|both|ghcb|reserved|A:guest-access:guest-ram|B:guest-access:guest-ram,vm-error|sev-es",
      // 0005: a GHCB MSR naming a GPA in no range is not read from another guest page.
      "guest-memory-mismatch|both|guest-pages|ghcb|gap|A:nothing|B:ghcb:other-page|sev-es",
      // 0007: a GHCB on an MMIO page the guest touched: #VC, not an exit to vmd.
      "exit-mismatch|both|ghcb|mmio|A:vc:0x400|B:vmd-exit:mmio-assist|sev-es",
      // 0008: MMIO NAE events reach vmd (MMIO) or get an error in the GHCB (anything else) instead of killing the VM.
      "exit-mismatch|both|mmio-nae|mmio|A:vmd-exit:mmio-nae|B:vm-error|sev-es",
      "exit-mismatch|both|mmio-nae|gap|A:ghcb-error|B:vm-error|sev-es",
      "exit-mismatch|both|mmio-nae|ram|A:ghcb-error|B:vm-error|sev-es",
      "exit-mismatch|both|mmio-nae|reserved|A:ghcb-error|B:vm-error|sev-es",
    ].sort();
    const sigs = signatures(impl("series-8"), impl("pre-patch"));
    for (const h of catalogFindings(impl("series-8"), impl("pre-patch"))) sigs.add(h.signature);
    expect(aboveInfo(sigs)).toEqual(INTENDED);
  });
});

describe("0008: the size and the scratch area of an MMIO NAE event are checked before vmd sees them", () => {
  const write = (gpa: bigint): Step => ({ op: "access", gpa, kind: "write", size: 8 });
  const GHCB = 0x1000n;

  /** Registers a GHCB in guest RAM, then hands series-8 an MMIO read of `size` bytes with SW_SCRATCH `scratch`. */
  function nae(size: bigint, scratch: bigint) {
    let h: PortHypervisor | null = null;
    runScenario(scenario({ steps: [write(GHCB), { op: "ghcb", gpa: GHCB }] }), (m, s) => {
      h = getVariant("series-8").factory(m, s) as PortHypervisor;
      return h;
    });
    const hv = h! as PortHypervisor;
    const vcpu = hv.state.vcpu!;
    hv.k.machine.guestGhcb = {
      gpa: GHCB,
      request: {
        swExitCode: BigInt(SEV_VMGEXIT_MMIO_READ),
        swExitInfo1: MMIO_BAR,
        swExitInfo2: size,
        swScratch: scratch,
      },
    };
    vcpu.vc_control.v_ghcb_gpa = GHCB;
    const ret = hv.k.tree.svm_handle_vmgexit(hv.k, vcpu);
    return { ret, ghcb: hv.k.ghcb_stored, vem: vcpu.vc_exit.vem };
  }

  it("hands a 1..8 byte access with its data in the GHCB's shared buffer to vmd", () => {
    for (const [size, scratch] of [
      [1n, GHCB + 0x800n],
      [8n, GHCB + 0x800n],
      [8n, GHCB + 0xfe8n], // the last 8 bytes of the shared buffer (800h-FEFh)
    ] as const) {
      const { ret, ghcb, vem } = nae(size, scratch);
      expect(ret).toBe(EAGAIN);
      expect(ghcb).toMatchObject({ v_sw_exitinfo1: 0n });
      expect(vem).toMatchObject({ vem_gpa: MMIO_BAR, vem_size: size, vem_data_gpa: scratch });
    }
  });

  it("answers an invalid scratch area (SW_EXITINFO1 2, SW_EXITINFO2 3) and resumes, without a vmd exit", () => {
    for (const [size, scratch] of [
      [0n, GHCB + 0x800n], // nothing to access
      [9n, GHCB + 0x800n], // more than one access
      [0x100n, GHCB + 0x800n], // would have been vem_size 0 after the uint8_t
      [4n, 0n], // no scratch area
      [4n, GHCB + 0x7fcn], // starts before the shared buffer
      [8n, GHCB + 0xfe9n], // ends past it
      [4n, GHCB + 0x2000n], // another page
      [4n, 0xfffffffffffffffen], // wraps around
    ] as const) {
      const { ret, ghcb, vem } = nae(size, scratch);
      expect(ret, `size ${size} scratch 0x${scratch.toString(16)}`).toBe(0);
      expect(ghcb).toMatchObject({ v_sw_exitinfo1: 2n, v_sw_exitinfo2: 3n });
      expect(vem.vem_gpa).toBe(0n);
    }
  });
});
