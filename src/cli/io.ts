// Where the CLI writes: standard output for results, standard error for progress and errors.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal (progress bars only there). */
  errIsTty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
};

/** Exit codes, the same for every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad usage: a message for standard error and exit code 2. */
export class UsageError extends Error {}
