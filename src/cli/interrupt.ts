// SIGINT and SIGTERM during a long command: the first asks the campaigns to stop (they run in worker threads, so
// this thread stays free to hear it) and the command ends as usual, findings table and DONE line included, with
// exit code 130; a second one ends the process at once.
import { EXIT_INTERRUPTED, type Io } from "./io";

export class Interrupt {
  /** Element 0 becomes 1 when a stop was asked; shared with the worker threads' campaigns. */
  readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private by: string | null = null;

  get interrupted(): boolean {
    return this.by !== null;
  }

  /** The signal that stopped the command (null: none). */
  get signalName(): string | null {
    return this.by;
  }

  /** Asks every campaign to stop (also what the signal handler does). */
  stop(by: string): void {
    this.by ??= by;
    Atomics.store(this.signal, 0, 1);
  }

  /** Listens for SIGINT and SIGTERM until the returned function is called. */
  listen(io: Io): () => void {
    const on = (name: NodeJS.Signals) => {
      if (this.interrupted) process.exit(EXIT_INTERRUPTED);
      this.stop(name);
      io.err(`\n${name}: stopping (again to quit at once)\n`);
    };
    const handlers = (["SIGINT", "SIGTERM"] as const).map((name) => [name, () => on(name)] as const);
    for (const [name, h] of handlers) process.on(name, h);
    return () => {
      for (const [name, h] of handlers) process.off(name, h);
    };
  }
}
