// Turns flags into one resolved, frozen options object before any work starts; defaults come from the table.
import type { ParsedArgs } from "./flags";
import { UsageError } from "./io";

/** The flag's last value, or its default from the command's table. */
export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v) return v[v.length - 1];
  const d = args.table[name]?.default;
  return typeof d === "string" ? d : d?.[d.length - 1];
}

/** Every value of a repeatable flag, or its defaults. */
export function flagList(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  if (v) return v;
  const d = args.table[name]?.default;
  return d === undefined ? [] : typeof d === "string" ? [d] : [...d];
}

export function bool(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

export function positiveNumber(args: ParsedArgs, name: string, fallback: number): number {
  const v = flag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not "${v}"`);
  return n;
}

export function positiveInteger(args: ParsedArgs, name: string, fallback: number): number {
  if (flag(args, name) === undefined) return fallback;
  const n = positiveNumber(args, name, fallback);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, not "${flag(args, name)}"`);
  return n;
}

export function shardOf(args: ParsedArgs): { index: number; count: number } {
  const v = flag(args, "shard");
  if (v === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be I/N with 0 <= I < N, not "${v}"`);
  return { index, count };
}

export function noPositional(args: ParsedArgs, command: string): void {
  if (args.positional.length > 0)
    throw new UsageError(`${command} takes no file arguments (got "${args.positional[0]}")`);
}
