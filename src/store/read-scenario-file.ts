// Reads one scenario or finding file (told apart by its "format"); bad input is an InputError naming the file.
import { parseScenario } from "../scenario/codec";
import { InputError, readInputText } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";
import { decodeFindingFile, FINDING_FORMAT, type FindingFile } from "./finding-file";

export type ScenarioFile =
  { kind: "scenario"; scenario: Scenario } | { kind: "finding"; scenario: Scenario; finding: FindingFile };

function formatTag(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { format?: unknown };
    return typeof v === "object" && v !== null && typeof v.format === "string" ? v.format : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes the text of a scenario or finding file read from `file`. */
export function decodeScenarioFile(text: string, file: string): ScenarioFile {
  try {
    if (formatTag(text) === FINDING_FORMAT) {
      const finding = decodeFindingFile(text);
      return { kind: "finding", scenario: finding.scenario, finding };
    }
    return { kind: "scenario", scenario: parseScenario(text, file) };
  } catch (e) {
    if (e instanceof InputError) e.file = file;
    throw e;
  }
}

export function readScenarioFile(file: string): ScenarioFile {
  return decodeScenarioFile(readInputText(file), file);
}
