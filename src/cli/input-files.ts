// Reads a scenario or finding file given on the command line; never throws for bad input.
import { InputError } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";
import type { FindingFile } from "../store/finding-file";
import { readScenarioFile } from "../store/read-scenario-file";

export type InputFile =
  | { ok: true; kind: "scenario"; scenario: Scenario }
  | { ok: true; kind: "finding"; scenario: Scenario; finding: FindingFile }
  | { ok: false; error: string };

export function readInputFile(file: string): InputFile {
  try {
    return { ok: true, ...readScenarioFile(file) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.line() };
    throw e;
  }
}
