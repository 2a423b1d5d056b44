// scenario.schema.json, the JSON Schema published for editors, against what the decoder accepts and refuses.
import Ajv2020 from "ajv/dist/2020";
import { readFileSync } from "fs";
import { describe, expect, it } from "vitest";
import { decodeScenarioJson } from "../../src/scenario/codec";
import { parseJsonText } from "../../src/scenario/json-reader";
import { corpusFiles } from "../../src/store/corpus";
import { baseJson } from "../support/scenarios";
import { cli, tempDir, writeInput } from "../cli/helpers";

const schema = JSON.parse(readFileSync("scenario.schema.json", "utf8"));
const validate = new Ajv2020({ allErrors: true }).compile(schema);
const errorsOf = (v: unknown) => (validate(v) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

describe("scenario.schema.json", () => {
  it("accepts every scenario of corpus/ and of crashes/'s finding files", () => {
    const files = corpusFiles("corpus");
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(errorsOf(JSON.parse(readFileSync(f, "utf8"))), f).toEqual([]);
    const crashes = corpusFiles("crashes");
    expect(crashes.length).toBeGreaterThan(0);
    for (const f of crashes) expect(errorsOf(JSON.parse(readFileSync(f, "utf8")).scenario), f).toEqual([]);
  });

  it("accepts a $schema key, and so does the decoder", async () => {
    const j = { $schema: "../scenario.schema.json", ...baseJson() };
    expect(errorsOf(j)).toEqual([]);
    const r = await cli("validate", writeInput(tempDir(), "s.json", j));
    expect(r.code).toBe(0);
  });

  // The structural mistakes the decoder refuses (the validate command's bad-input tests); the schema must too.
  const bad: [string, (j: any) => unknown][] = [
    ["a wrong format tag", (j) => ({ ...j, format: "x" })],
    ["an unknown field", (j) => ((j.host.frob = 1), j)],
    ["a missing field", (j) => (delete j.guest, j)],
    ["a value that is not hex", (j) => ((j.host.ramBytes = "4096"), j)],
    ["a hex value too wide", (j) => ((j.memory[0].gpa = "0x10000000000000000"), j)],
    ["a size out of range", (j) => ((j.steps[0].size = 9), j)],
    ["an unknown op", (j) => ((j.steps[1].op = "jump"), j)],
    ["a field of another op", (j) => ((j.steps[2].kind = "read"), j)],
    [
      "a CPUID register over 32 bits",
      (j) => (((Object.values(j.host.cpus[0].cpuid)[0] as any).eax = "0x100000000"), j),
    ],
    ["a step CPU out of range", (j) => ((j.steps[0].cpu = 64), j)],
    ["no CPU", (j) => ((j.host.cpus = []), j)],
    ["a range type not known", (j) => ((j.memory[0].type = "rom"), j)],
  ];
  for (const [what, breakIt] of bad)
    it(`refuses ${what}, as the decoder does`, () => {
      const j = breakIt(baseJson());
      expect(errorsOf(j)).not.toEqual([]);
      expect(() => decodeScenarioJson(parseJsonText(JSON.stringify(j)))).toThrow();
    });
});
