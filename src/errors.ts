// Errors every layer may raise for the command line to report: bad usage is one line on stderr and exit code 2.

/** Bad usage (an unknown implementation, a flag value out of range): a message for standard error and exit code 2. */
export class UsageError extends Error {}
