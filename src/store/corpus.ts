// corpus/: regression inputs, each a scenario carrying the result it gave when it was added as its expectation.
import { existsSync, readdirSync } from "fs";
import { join } from "path";
import { createHash } from "crypto";
import { scenarioToText } from "../scenario/codec";
import type { Scenario } from "../scenario/types";
import { writeFileAtomic } from "./atomic-write";

/** The corpus file name of a scenario: a hash of its content (without note and expectation). */
export function corpusName(s: Scenario): string {
  const text = scenarioToText({ ...s, note: undefined, expect: undefined });
  return `${createHash("sha256").update(text).digest("hex").slice(0, 16)}.json`;
}

/**
 * Writes `scenario` into `dir` with its expectation (each port variant's signatures today, engine/expectations.ts);
 * returns its path and whether it was already there.
 */
export function addToCorpus(
  dir: string,
  scenario: Scenario,
  expect: Record<string, string[]>,
  name = corpusName(scenario),
): { path: string; existed: boolean } {
  const path = join(dir, name);
  const existed = existsSync(path);
  writeFileAtomic(path, scenarioToText({ ...scenario, expect }));
  return { path, existed };
}

export function corpusFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(".json") && !n.startsWith("."))
    .sort()
    .map((n) => join(dir, n));
}
