// The progress bar shown on a terminal: how much of the campaign's bound is done, and the time left.

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** "[=========>          ] 45% ETA 1m12s" for a fraction done (0..1) after `elapsedMs`. */
export function progressBar(fraction: number, elapsedMs: number, width = 24): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * width);
  const bar =
    "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? (f >= 1 ? "=" : ">") : "") + " ".repeat(width - filled);
  const eta = f > 0 ? duration((elapsedMs / f) * (1 - f)) : "?";
  return `[${bar}] ${String(Math.floor(f * 100)).padStart(3)}% ETA ${eta}`;
}

/** The fraction of a campaign done: the larger of its time and scenario bounds' fractions (each may be absent). */
export function fractionDone(elapsedMs: number, timeMs: number, execs: number, runs: number): number | null {
  const parts = [Number.isFinite(timeMs) ? elapsedMs / timeMs : null, Number.isFinite(runs) ? execs / runs : null];
  const known = parts.filter((p): p is number => p !== null);
  return known.length === 0 ? null : Math.min(1, Math.max(...known));
}
