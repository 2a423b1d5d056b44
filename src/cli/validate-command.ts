// `vmm-difffuzz validate FILE…`: checks scenario and finding files, one line per bad file.
import { readInputFile } from "./input-files";
import { EXIT_BAD_INPUT, EXIT_OK, type Io } from "./io";

export function validateCommand(files: string[], io: Io): number {
  if (files.length === 0) {
    io.err("validate: name at least one FILE\n");
    return EXIT_BAD_INPUT;
  }
  let bad = 0;
  for (const file of files) {
    const result = readInputFile(file);
    if (result.ok) io.out(`${file}: ok (${result.kind})\n`);
    else {
      io.err(`${result.error}\n`);
      bad++;
    }
  }
  return bad > 0 ? EXIT_BAD_INPUT : EXIT_OK;
}
