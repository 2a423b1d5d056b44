import { createHash } from "crypto";
import { describe, expect, it } from "vitest";
import { signatureHash } from "../../src/diff/finding";

describe("signatureHash", () => {
  it("is the first 16 hex digits of the signature's SHA-256", () => {
    const sig = "host-crash|A|direct-map:pvclock|sev-es";
    expect(signatureHash(sig)).toMatch(/^[0-9a-f]{16}$/);
    expect(signatureHash(sig)).toBe(createHash("sha256").update(sig).digest("hex").slice(0, 16));
  });

  it("tells different signatures apart", () => {
    expect(signatureHash("a|sev")).not.toBe(signatureHash("a|sev-es"));
  });
});
