import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULE_BASIS, isPolicyRule, ruleBasis } from "../../reference/basis";

const RULES = readFileSync(join(__dirname, "..", "..", "reference", "RULES.md"), "utf8");

/** The basis column of RULES.md's rule table, by rule. */
function basisColumn(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of RULES.split("\n")) {
    const m = /^\| `(\w+)` \| \w+\.ts \| (\w+) \|/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe("rule basis", () => {
  it("tags every rule of RULES.md spec or policy, as reference/basis.ts does", () => {
    const column = basisColumn();
    const { pspLaunchStart: _machine, ...table } = RULE_BASIS;
    expect(column).toEqual(table);
  });

  it("tags as policy exactly the rules RULES.md argues against Linux KVM", () => {
    const section = RULES.slice(RULES.indexOf("### The policy rules"), RULES.indexOf("### Other choices"));
    const argued = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
    const policy = Object.keys(RULE_BASIS).filter(isPolicyRule).sort();
    expect(policy).toEqual(argued);
    expect(policy).toEqual([
      "ghcbErrorFor",
      "ghcbMsrNamesGhcb",
      "ghcbMsrProtocolAnswer",
      "mmioNaeOutsideMmio",
      "reservedOnEveryCpu",
      "sevEsNeedsReservedBits",
      "unusableGhcbFailsRun",
    ]);
  });

  it("throws on a rule it does not know (a bug of the reference)", () => {
    expect(() => ruleBasis("noSuchRule")).toThrow(/no basis/);
  });
});
