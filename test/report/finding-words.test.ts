import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { crashReasonIn, findingWords } from "../../src/report/finding-words";
import { wrap } from "../../src/report/side-by-side";
import { corpusFiles } from "../../src/store/corpus";

/** Every signature the repository records (corpus expectations and finding files). */
function recordedSignatures(): string[] {
  const sigs = new Set<string>();
  for (const f of corpusFiles("corpus")) {
    const j = JSON.parse(readFileSync(f, "utf8")) as { expect?: Record<string, string[]> };
    for (const list of Object.values(j.expect ?? {})) for (const s of list) sigs.add(s);
  }
  for (const f of corpusFiles("crashes"))
    sigs.add((JSON.parse(readFileSync(f, "utf8")) as { signature: string }).signature);
  return [...sigs].sort();
}

describe("findingWords", () => {
  it("names the assertion of a host panic", () => {
    const reason = 'panic: kernel diagnostic assertion "!(wc && nocache)" failed: file "pmap.c"';
    expect(findingWords("host-crash|A|kernel|sev-es", reason)).toBe(
      "the host panics: KASSERT(!(wc && nocache)) failed in pmap.c (SEV-ES guest)",
    );
    expect(crashReasonIn(["#NPF exit", `HOST CRASH: ${reason}`])).toBe(reason);
  });

  it("says which field a field check compares, with errno names", () => {
    expect(findingWords("exit-mismatch|both|run-errno|ghcb-msr|terminate|A:1|B:22|sev-es")).toBe(
      "the errno VMM_IOC_RUN returns on a GHCB MSR protocol request (terminate): EPERM (1) in A, EINVAL (22) in B (SEV-ES guest)",
    );
    expect(findingWords("exit-mismatch|both|create-errno|A:12|B:22|plain")).toBe(
      "the errno of VM creation: ENOMEM (12) in A, EINVAL (22) in B (plain guest)",
    );
    expect(findingWords("exit-mismatch|both|vmd-exit-direction|mmio-nae|mmio|A:write|B:read|sev-es")).toBe(
      "the direction vmd is handed on an MMIO NAE request for an MMIO address: write in A, read in B (SEV-ES guest)",
    );
  });

  it("names the panic from the signature alone, one root cause per panic", () => {
    expect(findingWords("host-crash|A|kernel:panic(pmap_enter: no pv entries available)|plain")).toBe(
      "the host panics: pmap_enter: no pv entries available (plain guest)",
    );
    expect(findingWords("host-crash|A|kernel:KASSERT(!(wc && nocache))|sev-es")).toBe(
      "the host panics: KASSERT(!(wc && nocache)) failed (SEV-ES guest)",
    );
  });

  it.each([
    [
      "exit-mismatch|both|mmio-nae|gap|A:vm-error|B:ghcb-error|sev-es",
      "on an MMIO NAE request for an address outside every range, A gives VMM_IOC_RUN failing where B gives an error in the GHCB (SEV-ES guest)",
    ],
    [
      "exit-mismatch|both|create|A:ok|B:refused(cBitReported)|sev",
      "A creates the VM where B refuses to create it (cBitReported) (SEV guest)",
    ],
    [
      "host-memory-exposure|A|host-access:pvclock:write:host-ram|sev-es",
      "the host writes the guest's pvclock page in host RAM that is not the guest's (SEV-ES guest)",
    ],
    [
      "pte-mismatch|both|pte|mmio|A:host-ram|B:rsv|sev-es",
      "the nested PTE for an MMIO address maps host RAM that is not the guest's in A, where in B it faults with reserved bits set (RSV), so the guest's retry raises #VC (SEV-ES guest)",
    ],
    [
      "pte-bits|both|bits:0x6+address|sev-es",
      "the nested PTEs differ only in bits 0x6 and the address field; the CPU behaves the same",
    ],
  ])("%s", (signature, words) => {
    expect(findingWords(signature)).toBe(words);
  });

  it("gives every recorded signature a sentence in words, not its raw parts", () => {
    const sigs = recordedSignatures();
    expect(sigs.length).toBeGreaterThan(10);
    for (const s of sigs) {
      const words = findingWords(s);
      expect(words, s).not.toContain("|");
      expect(words, s).not.toMatch(/\b[AB]:/);
      expect(words, s).not.toMatch(/\bvm-error\b|\bghcb-error\b|\bno-progress\b|\bmmio-assist\b/);
    }
  });
});

describe("wrap (replay's columns)", () => {
  it("keeps every character, breaks at spaces, and fits the width", () => {
    const text =
      "C undefined behaviour at vmm_machdep.c:svm_handle_np_fault:hpa <<= (amd64_phys_addrsz - amd64_phys_red): shift count 192";
    const lines = wrap(text, 40);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.join(" ")).toBe(text);
  });
});
