// The fuzz target the coverage-guided fuzzer (jsfuzz) runs on the compiled JavaScript: raw bytes are decoded
// into a scenario, run through A and B, and a divergence not yet known throws, which the fuzzer records as a crash.
import { readFileSync } from "fs";
import { runPair } from "../diff/run-pair";
import { implementation } from "../impls";
import { scenarioDecoder } from "../scenario/decode-bytes";

const implA = implementation(process.env.VMM_DIFFFUZZ_IMPL ?? "posted");
const implB = implementation(process.env.VMM_DIFFFUZZ_AGAINST ?? "reference");
const knownFile = process.env.VMM_DIFFFUZZ_KNOWN;
const known = new Set<string>(knownFile ? (JSON.parse(readFileSync(knownFile, "utf8")) as string[]) : []);
const decode = scenarioDecoder();

/** A divergence this run has not seen: a finding above info whose signature is not known. */
export class NewDivergence extends Error {}

export function fuzz(bytes: Buffer): void {
  const { findings } = runPair(decode(bytes), implA, implB);
  const fresh = findings.filter((f) => f.severity !== "info" && !known.has(f.signature));
  if (fresh.length > 0) throw new NewDivergence(fresh.map((f) => f.signature).join("\n"));
}
