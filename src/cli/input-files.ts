// Reads a scenario or finding file given on the command line; never throws for bad input.
import { parseScenario } from "../scenario/codec";
import { InputError } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";
import { decodeFindingFile, FINDING_FORMAT, type FindingFile } from "../store/finding-file";

export type InputFile =
  | { ok: true; kind: "scenario"; scenario: Scenario }
  | { ok: true; kind: "finding"; scenario: Scenario; finding: FindingFile }
  | { ok: false; error: string };

type Reader = (file: string, encoding: "utf8") => string;

function formatTag(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { format?: unknown };
    return typeof v === "object" && v !== null && typeof v.format === "string" ? v.format : undefined;
  } catch {
    return undefined;
  }
}

export function readInputFile(file: string, read: Reader): InputFile {
  let text: string;
  try {
    text = read(file, "utf8");
  } catch (e) {
    return {
      ok: false,
      error: `${file}: (file): cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    };
  }
  try {
    if (formatTag(text) === FINDING_FORMAT) {
      const finding = decodeFindingFile(text);
      return { ok: true, kind: "finding", scenario: finding.scenario, finding };
    }
    return { ok: true, kind: "scenario", scenario: parseScenario(text, file) };
  } catch (e) {
    if (e instanceof InputError) {
      e.file = file;
      return { ok: false, error: e.line() };
    }
    throw e;
  }
}
