// Reads a scenario or finding file given on the command line; never throws for bad input.
import { InputError } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";
import type { FindingFile } from "../store/finding-file";
import { readScenarioFile } from "../store/read-scenario-file";

export type InputFile =
  | { ok: true; kind: "scenario"; scenario: Scenario }
  | { ok: true; kind: "finding"; scenario: Scenario; finding: FindingFile }
  /** `errors`: every problem found, one line each; `error`: the same lines as one text. */
  | { ok: false; error: string; errors: string[] };

export function readInputFile(file: string): InputFile {
  try {
    return { ok: true, ...readScenarioFile(file) };
  } catch (e) {
    if (e instanceof InputError) {
      const errors = e.lines();
      return { ok: false, error: errors.join("\n"), errors };
    }
    throw e;
  }
}
