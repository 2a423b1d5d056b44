import { describe, expect, it } from "vitest";
import { GUEST_BACKING_BASE } from "../../src/cpu/machine";
import { MMIO_BAR, scenario } from "../port/fixtures";
import { cli, lines, tempDir, writeInput } from "./helpers";

/** EPYC 9124 (PhysAddrSize 52, reduction 6, C-bit 51), SEV-ES guest: a RAM write, then a read of the MMIO BAR. */
const SC = scenario({
  steps: [
    { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
    { op: "access", gpa: MMIO_BAR, kind: "read", size: 4 },
  ],
});

describe("run", () => {
  it("prints the profile, VM creation, each step with its events, and the final PTEs in hex", async () => {
    const file = writeInput(tempDir(), "s.json", SC);
    const r = await cli("run", "--impl", "posted", file);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const out = lines(r.out);
    expect(out[0]).toBe(
      `${file}: phys_addrsz 52, phys_red 6, C-bit 51, SEV+SEV-ES, max ext leaf 0x80000028; memEncrypt on; sev-es guest`,
    );
    expect(out[1]).toBe("[posted] VM created");
    const step0 = out.indexOf("  step 0: access write 8B at gpa 0x200000");
    const step1 = out.indexOf(`  step 1: access read 4B at gpa 0x${MMIO_BAR.toString(16)}`);
    const ptes = out.indexOf("  final nested PTEs:");
    expect(0 < step0 && step0 < step1 && step1 < ptes).toBe(true);
    // A write to an unmapped RAM page: #NPF with RW|US|FINAL (APM vol 2 §15.25.6), then the write lands in guest RAM.
    expect(out.slice(step0 + 1, step1)).toEqual([
      "    #NPF exit to host: gpa 0x200000, error code 0x100000006 (RW|US|FINAL)",
      "    host resumes the guest",
      `    guest write completes at host pa 0x${(GUEST_BACKING_BASE + 0x200000n).toString(16)} (guest-ram)`,
    ]);
    // The patch: the MMIO fault is answered with a reserved-bit PTE, and the retry raises #VC(SVM_EXIT_NPF).
    expect(out.slice(step1 + 1, ptes).at(-1)).toBe("    #VC in the guest, error code 0x400");
    const pteLines = out.slice(ptes + 1);
    expect(pteLines).toHaveLength(2);
    for (const l of pteLines) expect(l).toMatch(/^ {4}gpa 0x[0-9a-f]+ +pte 0x[0-9a-f]{16}$/);
    const pte = (gpa: string) => BigInt(pteLines.find((l) => l.includes(`gpa ${gpa} `))!.split("pte ")[1]!);
    // RAM: the frame backing the page (bits 12..45 on this CPU).
    expect(pte("0x200000") & 0x00003ffffffff000n).toBe(GUEST_BACKING_BASE + 0x200000n);
    // MMIO: hpa = ((1 << phys_red) - 1) << (phys_addrsz - phys_red) = bits 46..51, with PG_V|PG_RW|PG_u.
    expect(pte("0xf0000000")).toBe(0x000fc00000000007n);
  });

  it("runs the posted variant by default, and the reference when asked", async () => {
    const file = writeInput(tempDir(), "s.json", SC);
    expect(lines((await cli("run", file)).out)[1]).toBe("[posted] VM created");
    const ref = await cli("run", "--impl", "reference", file);
    expect(ref.code).toBe(0);
    expect(lines(ref.out)[1]).toBe("[reference] VM created");
  });

  it("says which steps did not run after the VM stopped", async () => {
    const sc = scenario({
      steps: [
        { op: "access", gpa: 0x80000000n, kind: "read", size: 4 },
        { op: "access", gpa: 0x200000n, kind: "read", size: 4 },
        { op: "access", gpa: 0x201000n, kind: "read", size: 4 },
      ],
    });
    const r = await cli("run", "--impl", "reference", writeInput(tempDir(), "s.json", sc));
    expect(r.out).toMatch(/VMM_IOC_RUN fails: errno \d+\n {2}\(steps 1\.\.2 not run: the VM or host stopped\)\n/);
  });

  it("rejects a bad file with one line and exit 2", async () => {
    const file = writeInput(tempDir(), "s.json", "nope");
    const r = await cli("run", file);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(lines(r.err)).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, "\\.")}: \\(root\\): malformed JSON`)),
    ]);
  });
});
