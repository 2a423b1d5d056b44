// Reads a scenario or finding file given on the command line; never throws for bad input.
import { parseScenario } from "../scenario/codec";
import { InputError } from "../scenario/json-reader";
import type { Scenario } from "../scenario/types";

export type InputKind = "scenario" | "finding";

export type InputFile = { ok: true; kind: InputKind; scenario: Scenario; raw: unknown } | { ok: false; error: string };

type Reader = (file: string, encoding: "utf8") => string;

/** Extra decoders for file formats other than a plain scenario, keyed by their format tag. */
const decoders = new Map<
  string,
  (text: string, file: string) => { kind: InputKind; scenario: Scenario; raw: unknown }
>();

export function registerInputFormat(
  format: string,
  decode: (text: string, file: string) => { kind: InputKind; scenario: Scenario; raw: unknown },
): void {
  decoders.set(format, decode);
}

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
    const decode = decoders.get(formatTag(text) ?? "");
    if (decode) return { ok: true, ...decode(text, file) };
    return { ok: true, kind: "scenario", scenario: parseScenario(text, file), raw: JSON.parse(text) };
  } catch (e) {
    if (e instanceof InputError) {
      e.file = file;
      return { ok: false, error: e.line() };
    }
    throw e;
  }
}
