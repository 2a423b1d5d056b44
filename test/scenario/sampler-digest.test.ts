// The seeded sampler draws, for fixed seeds and options, exactly the scenarios recorded here (sha256 digests taken
// from the tree before the sampler's speed-ups): the same values, the same key sets and key order, the same CPUID
// leaf order. Stored scenarios and findings are drawn by seed, so a faster sampler must not change one of them.
// A change that means to alter the drawn scenarios re-records the digests: SAMPLER_DIGEST_PRINT=1 prints them.
import { createHash } from "crypto";
import { describe, expect, it } from "vitest";
import { scenarioToText } from "../../src/scenario/codec";
import { createSampler, type GeneratorOptions } from "../../src/scenario/sampler";
import type { Scenario } from "../../src/scenario/types";

/** Every own key in insertion order, Map entries in insertion order, bigints tagged: what JSON.stringify of the object itself would show, and more. */
function exactShape(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (value instanceof Map)
    return `Map{${[...value.entries()].map(([k, v]) => `${exactShape(k)}=>${exactShape(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(exactShape).join(",")}]`;
  return `{${Object.keys(value)
    .map((k) => `${k}:${exactShape((value as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

/** The digest of the first `n` scenarios of a seed: their JSON text (the codec's) and their exact object shape. */
function digest(seed: number | string, options: Partial<GeneratorOptions>, n: number): string {
  const sampler = createSampler(seed, options);
  const hash = createHash("sha256");
  for (let i = 0; i < n; i++) {
    const s: Scenario = sampler.next();
    hash.update(scenarioToText(s));
    hash.update(exactShape(s));
  }
  return hash.digest("hex").slice(0, 32);
}

const COUNT = 600;
const CASES: readonly [string, number | string, Partial<GeneratorOptions>][] = [
  ["default", 1, {}],
  ["default", 12345, {}],
  ["default", "campaign-7", {}],
  ["single step", 7, { maxSteps: 1 }],
  ["single step", 2, { maxSteps: 1 }],
  ["several vcpus (the engines' smp what-if)", 1, { severalVcpus: true }],
  ["invalid maps", 3, { invalidMaps: true }],
  ["one CPU, profiles only", 5, { maxCpus: 1, profileOnly: true }],
  ["profiles only", 6, { profileOnly: true }],
  ["plain and SEV guests", 8, { guestKinds: ["plain", "sev"] }],
  ["many steps and CPUs", 9, { maxSteps: 64, maxCpus: 64 }],
  ["two steps, one CPU", 10, { maxSteps: 2, maxCpus: 1 }],
  ["three steps, all options", 11, { maxSteps: 3, invalidMaps: true, severalVcpus: true, maxCpus: 2 }],
];

const RECORDED: Record<string, string> = {
  "1 {}": "f1b864a1a7b2e8c6e8e37668096d8ae8",
  "12345 {}": "be36907320ff32dcedfbd948381b26cb",
  "campaign-7 {}": "fbf2775be9dc97d2d15f5bae461f2263",
  '7 {"maxSteps":1}': "82055447ebbfad39dd1ed4ede59d16c2",
  '2 {"maxSteps":1}': "b5d95cd81f07ef99f5b3870a5c1f1e8f",
  '1 {"severalVcpus":true}': "96bd825c78be226a93e5ae399db15833",
  '3 {"invalidMaps":true}': "50dc2b84744bf6893e9aefb3e08b00b4",
  '5 {"maxCpus":1,"profileOnly":true}': "85843cda903a8ef26c26778d6c246bab",
  '6 {"profileOnly":true}': "7542394241649a85a7c4f8818622a147",
  '8 {"guestKinds":["plain","sev"]}': "669d4d4712d928fc53115065a0614bcd",
  '9 {"maxSteps":64,"maxCpus":64}': "5864dc4519c5b28b5bfe5a123584d17c",
  '10 {"maxSteps":2,"maxCpus":1}': "07f6e7721d2b5d7456e6438d39b10503",
  '11 {"maxSteps":3,"invalidMaps":true,"severalVcpus":true,"maxCpus":2}': "046aa7f0af32685c476f1d1eaa266d11",
};

describe("the seeded sampler against its recorded digests", () => {
  it.each(CASES)("%s, seed %s, %o", (_what, seed, options) => {
    const key = `${seed} ${JSON.stringify(options)}`;
    const now = digest(seed, options, COUNT);
    if (process.env.SAMPLER_DIGEST_PRINT === "1") console.log(`  ${JSON.stringify(key)}: "${now}",`);
    expect(now).toBe(RECORDED[key]);
  });
});
