// `vmm-difffuzz validate FILE…`: checks scenario and finding files, one line per error.
import type { ParsedArgs } from "./flags";
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, UsageError, type Io } from "./io";
import { bool } from "./options";

export interface ValidateCommandOptions {
  readonly files: readonly string[];
  readonly json: boolean;
}

export function resolveValidateOptions(args: ParsedArgs): ValidateCommandOptions {
  if (args.positional.length === 0) throw new UsageError("name at least one FILE");
  return Object.freeze({ files: Object.freeze([...args.positional]), json: bool(args, "json") });
}

export function validateCommand(args: ParsedArgs, io: Io): number {
  const o = resolveValidateOptions(args);
  const results = o.files.map((file) => ({ file, result: readInputFile(file) }));
  if (o.json) {
    const json = results.map(({ file, result }) =>
      result.ok ? { file, ok: true, kind: result.kind } : { file, ok: false, errors: result.errors },
    );
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else
    for (const { file, result } of results) {
      if (result.ok) io.out(`${file}: ok (${result.kind})\n`);
      else io.err(result.errors.map((e) => `${e}\n`).join(""));
    }
  return results.some((r) => !r.result.ok) ? EXIT_BAD_INPUT : EXIT_OK;
}
