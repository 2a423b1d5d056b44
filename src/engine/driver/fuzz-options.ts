// The settings of one fuzz campaign, resolved once before any work starts (the command line builds them from its
// flags; nightly, compare and series from their own). Frozen: nothing changes them while the campaign runs.
import type { EngineName } from "../session";
import type { Part } from "../origin";

export interface FuzzOptions {
  readonly engine: EngineName;
  readonly seed: number;
  /** Wall-clock bound in milliseconds (Infinity: none). */
  readonly timeMs: number;
  /** Scenarios to run (Infinity: no bound). */
  readonly runs: number;
  readonly shard: Readonly<Part>;
  /** Worker threads (1: the campaign runs in the calling thread unless it can be stopped). */
  readonly jobs: number;
  readonly impl: string;
  readonly against: string;
  /** Tells introduced from inherited findings (null: no baseline). */
  readonly baseline: string | null;
  /** Where new finding files are written; null: nowhere (they are listed, not stored). */
  readonly crashesDir: string | null;
  /** Folders whose finding files and corpus expectations are known signatures (never new). */
  readonly known: readonly string[];
  /** The coverage engine's libFuzzer-style input directory. */
  readonly coverageCorpus: string;
  readonly minimizeTimeMs: number;
  readonly minimize: boolean;
}

/** The same options with some changed, frozen again (a nightly phase, a compare campaign). */
export function withOptions(o: FuzzOptions, change: Partial<FuzzOptions>): FuzzOptions {
  return Object.freeze({ ...o, ...change });
}
