import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as reference from "../../reference";
import { runScenario } from "../../src/cpu/vcpu";
import { scenario } from "./fixtures";

const ROOT = join(__dirname, "..", "..");
const RULES = readFileSync(join(ROOT, "reference", "RULES.md"), "utf8");

/** The rule rows of RULES.md: name and file. */
function ruleRows(): { name: string; file: string }[] {
  const rows: { name: string; file: string }[] = [];
  for (const line of RULES.split("\n")) {
    const m = /^\| `(\w+)` \| (\w+\.ts) \|/.exec(line);
    if (m) rows.push({ name: m[1]!, file: m[2]! });
  }
  return rows;
}

/** The rules the sources name in their doc comments ("Rule `name`"), with their files. */
function documentedRules(): { name: string; file: string }[] {
  const out: { name: string; file: string }[] = [];
  for (const file of readdirSync(join(ROOT, "reference")).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(ROOT, "reference", file), "utf8");
    for (const m of text.matchAll(/Rule `(\w+)`/g)) out.push({ name: m[1]!, file });
  }
  return out;
}

describe("reference index", () => {
  it("exports a factory for the hypervisor named reference", () => {
    expect(runScenario(scenario({ guest: "plain" }), reference.referenceFactory).impl).toBe("reference");
  });

  it("lists in RULES.md exactly the rules the sources document", () => {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(ruleRows().sort(byName)).toEqual(documentedRules().sort(byName));
    expect(ruleRows().length).toBeGreaterThan(20);
  });

  it("exports every rule as a function", () => {
    const exported = reference as unknown as Record<string, unknown>;
    for (const { name } of ruleRows()) expect(typeof exported[name], name).toBe("function");
  });

  it("pins every rule with a describe block of its name in the mirrored test file", () => {
    for (const { name, file } of ruleRows()) {
      const test = join(ROOT, "test", "reference", file.replace(/\.ts$/, ".test.ts"));
      expect(existsSync(test), test).toBe(true);
      expect(readFileSync(test, "utf8"), `${name} in ${test}`).toContain(`describe("${name}"`);
    }
  });
});
