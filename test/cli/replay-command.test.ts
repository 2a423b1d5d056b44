import { describe, expect, it } from "vitest";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { encodeFindingFile } from "../../src/store/finding-file";
import { amdCpu, MMIO_BAR, scenario } from "../port/fixtures";
import { findingFile } from "../store/fixtures";
import { cli, lines, tempDir, writeInput } from "./helpers";

const MMIO_READ = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });
const RAM_READ = scenario({ steps: [{ op: "access", gpa: 0x200000n, kind: "read", size: 4 }] });
/** 48-bit CPU without PhysAddrReduction: posted maps the MMIO page to host frame 0. */
const NO_RED = scenario({ cpus: [amdCpu({ addrSizes: 0x3030, cbit: 47, red: 0 })], steps: MMIO_READ.steps });
const EXPOSURE = "host-memory-exposure|A|guest-access:host-ram|mmio|sev-es";
const PRE_PATCH_MMIO = "exit-mismatch|both|access|mmio|A:vmd-exit:mmio-assist:bytes|B:vc:0x400|sev-es";

describe("replay", () => {
  it("exits 0 and says agree when the two agree", async () => {
    const file = writeInput(tempDir(), "s.json", MMIO_READ);
    const r = await cli("replay", "--impl", "posted", "--against", "posted", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("  agree: no finding\n");
  });

  it("exits 0 when the PTEs differ in bits only (info: the CPU behaves the same)", async () => {
    const file = writeInput(tempDir(), "s.json", RAM_READ);
    const { findings } = runPair(RAM_READ, implementation("posted"), implementation("reference"));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.class === "pte-bits")).toBe(true);
    const r = await cli("replay", file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("FINDING [info] pte-bits at final PTEs");
  });

  it("exits 1 on a divergence and prints both sides, the profile and the finding with its signature", async () => {
    const file = writeInput(tempDir(), "s.json", MMIO_READ);
    const r = await cli("replay", "--impl", "pre-patch", file);
    expect(r.code).toBe(1);
    expect(r.out.split("\n")[0]).toBe(
      `${file}: phys_addrsz 52, phys_red 6, C-bit 51, SEV+SEV-ES, max ext leaf 0x80000028; memEncrypt on; sev-es guest`,
    );
    expect(r.out).toMatch(/A = pre-patch +B = reference/);
    expect(r.out).toContain(
      "FINDING [functional] exit-mismatch at step 0: on a guest access to an MMIO address, A gives an exit to vmd " +
        "for MMIO assist with the instruction bytes where B gives #VC in the guest with SVM_EXIT_NPF (0x400) " +
        "(SEV-ES guest)\n    pre-patch: vmd-exit:mmio-assist:bytes; reference: vc:0x400",
    );
    expect(r.out).toContain(`    signature: ${PRE_PATCH_MMIO}\n`);
  });

  it("exits 2 on a bad file, after replaying the others", async () => {
    const dir = tempDir();
    const good = writeInput(dir, "good.json", MMIO_READ);
    const bad = writeInput(dir, "bad.json", "{}");
    const r = await cli("replay", "--impl", "pre-patch", good, bad);
    expect(r.code).toBe(2);
    // Every problem of the file, one line each.
    expect(lines(r.err)).toEqual(
      ["format", "host", "guest", "memory", "steps"].map((f) => `${bad}: ${f}: missing required field`),
    );
    expect(r.out).toContain(PRE_PATCH_MMIO);
  });

  it("--json carries class, severity, signature and step for each finding of each file", async () => {
    const dir = tempDir();
    const a = writeInput(dir, "a.json", MMIO_READ);
    const b = writeInput(dir, "b.json", NO_RED);
    const r = await cli("replay", "--json", "--impl", "posted", a, b);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as any[];
    expect(out.map((x) => [x.file, x.impl, x.against])).toEqual([
      [a, "posted", "reference"],
      [b, "posted", "reference"],
    ]);
    for (const [i, sc] of [MMIO_READ, NO_RED].entries()) {
      const { findings } = runPair(sc, implementation("posted"), implementation("reference"));
      expect(out[i].findings.map((f: any) => [f.class, f.severity, f.signature, f.step])).toEqual(
        findings.map((f) => [f.class, f.severity, f.signature, f.step]),
      );
    }
    expect(out[1].agree).toBe(false);
    expect(out[1].findings).toContainEqual(
      expect.objectContaining({ class: "host-memory-exposure", severity: "security", signature: EXPOSURE, step: 0 }),
    );
    expect(out[1].outcomes.A.steps[0].at(-1)).toEqual({
      kind: "guest-access",
      hpa: "0x10",
      memory: "host-ram",
      write: false,
    });
  });

  it("replays a finding file with the implementations it records", async () => {
    const dir = tempDir();
    const f = findingFile({ impl: "pre-patch", signature: PRE_PATCH_MMIO }, MMIO_READ);
    const file = writeInput(dir, "f.json", encodeFindingFile(f));
    const r = await cli("replay", "--json", file);
    expect(r.code).toBe(1);
    const [out] = JSON.parse(r.out);
    expect(out.impl).toBe("pre-patch");
    expect(out.findings.map((x: any) => x.signature)).toEqual([PRE_PATCH_MMIO]);
    const forced = JSON.parse((await cli("replay", "--json", "--impl", "posted", file)).out)[0];
    expect(forced.impl).toBe("posted");
  });

  it("needs a file", async () => {
    const r = await cli("replay");
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual(["vmm-difffuzz replay: replay needs at least one FILE"]);
  });
});

describe("replay's columns", () => {
  it("wrap to the terminal's width without cutting, and print whole lines when not on a terminal", async () => {
    const { main } = await import("../../src/cli/main");
    const file = "crashes/" + (await import("fs")).readdirSync("crashes").sort()[0];
    const run = async (columns?: number) => {
      let out = "";
      await main(["replay", file], {
        out: (t) => void (out += t),
        err: () => {},
        errIsTty: false,
        ...(columns ? { columns } : {}),
      });
      return out;
    };
    const narrow = await run(80);
    const columns = narrow
      .slice(0, narrow.indexOf("  FINDING"))
      .split("\n")
      .filter((l) => l.startsWith("    "));
    expect(columns.length).toBeGreaterThan(5);
    for (const l of columns) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(narrow).not.toContain("…");
    const whole = await run();
    expect(whole).not.toContain("…");
  });
});
