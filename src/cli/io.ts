// Where the CLI writes: standard output for results, standard error for progress and errors.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal (progress bars only there). */
  errIsTty: boolean;
  /** Columns of the terminal standard error is on (the progress line is cut to fit). */
  errColumns?: number;
  /** Columns of the terminal standard output is on (undefined: not a terminal; lines are never cut). */
  columns?: number;
  /** This is the process's own Io: commands listen for SIGINT/SIGTERM and run campaigns in worker threads. */
  process?: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
  ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  ...(process.stderr.isTTY ? { errColumns: process.stderr.columns } : {}),
  process: true,
};

/** Exit codes, the same for every command. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;
/** Stopped by SIGINT or SIGTERM (128 + SIGINT's number, as shells report it); the results so far are printed. */
export const EXIT_INTERRUPTED = 130;

/** Bad usage: a message for standard error and exit code 2 (raised below the CLI too). */
export { UsageError } from "../errors";
