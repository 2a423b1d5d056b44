import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { FINDING_CLASSES } from "../../src/diff/classes";
import { maskNumbers, parseSignature, signatureOf } from "../../src/diff/signature";
import { corpusFiles } from "../../src/store/corpus";
import { scenario } from "../reference/fixtures";

describe("signatureOf", () => {
  it("is class|side|cause|guest kind", () => {
    expect(signatureOf(scenario({ guest: "sev" }), "pte-bits", "both", "bits:0x6")).toBe("pte-bits|both|bits:0x6|sev");
    expect(signatureOf(scenario({}), "host-crash", "A", "direct-map:ghcb")).toBe("host-crash|A|direct-map:ghcb|sev-es");
  });

  it("ends with the hardware what-ifs the scenario switches", () => {
    const s = scenario({});
    s.host.reductionReserved = false;
    expect(signatureOf(s, "implementation-error", "B", "reference|boom")).toBe(
      "implementation-error|B|reference|boom|sev-es|what-if:reduction-not-reserved",
    );
  });
});

describe("maskNumbers", () => {
  it("masks hex numbers as X and decimal numbers, signed or not, as N", () => {
    expect(maskNumbers("shift count 192 out of range for 64-bit operand: 0x1F << -3")).toBe(
      "shift count N out of range for N-bit operand: X << N",
    );
    expect(maskNumbers("no range 3 at 0xf0000000")).toBe("no range N at X");
    expect(maskNumbers("vmm_machdep.c:svm_handle_np_fault")).toBe("vmm_machdep.c:svm_handle_np_fault");
  });
});

describe("parseSignature", () => {
  it("reads back what signatureOf built", () => {
    const s = scenario({});
    s.host.reductionReserved = false;
    expect(parseSignature(signatureOf(s, "exit-mismatch", "both", "access|mmio|A:vc:0x400|B:vm-error"))).toEqual({
      class: "exit-mismatch",
      side: "both",
      cause: ["access", "mmio", "A:vc:0x400", "B:vm-error"],
      guest: "sev-es",
      whatIfs: ["what-if:reduction-not-reserved"],
    });
  });

  it("reads a signature without a guest kind (pte-bits before every class carried one)", () => {
    expect(parseSignature("pte-bits|both|bits:0x400")).toEqual({
      class: "pte-bits",
      side: "both",
      cause: ["bits:0x400"],
      guest: undefined,
      whatIfs: [],
    });
  });

  it("finds the one shape in every signature the repository records", () => {
    const sigs = new Set<string>();
    for (const dir of ["crashes", "corpus"])
      for (const f of corpusFiles(dir)) {
        const j = JSON.parse(readFileSync(f, "utf8")) as { signature?: string; expect?: Record<string, string[]> };
        if (j.signature) sigs.add(j.signature);
        for (const list of Object.values(j.expect ?? {})) for (const s of list) sigs.add(s);
      }
    expect(sigs.size).toBeGreaterThan(50);
    for (const s of sigs) {
      const p = parseSignature(s);
      expect(Object.keys(FINDING_CLASSES), s).toContain(p.class);
      expect(["A", "B", "both"], s).toContain(p.side);
      expect(p.cause.length, s).toBeGreaterThan(0);
      expect(p.guest, s).toBeDefined();
    }
  });
});
