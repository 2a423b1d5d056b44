// The order the sweep visits its points in: nearest the real CPUs of the catalog first, so that a short sweep
// spends its time where real hardware is, and the rest of the space follows, further and further out.
import { fieldsOfCpu, PROFILES, profileNames } from "../scenario/profiles";

/** Per axis, each value's distance to the nearest value a real profile has (the catalog's CPUs). */
function distances(size: number, real: readonly number[]): Uint8Array {
  const d = new Uint8Array(size);
  for (let v = 0; v < size; v++) d[v] = Math.min(255, ...real.map((r) => Math.abs(v - r)));
  return d;
}

interface AxisDistances {
  physAddrSize: Uint8Array;
  reduction: Uint8Array;
  cBit: Uint8Array;
}

let cached: AxisDistances | null = null;

/** The distances, from the catalog's profiles (computed once). */
export function axisDistances(): AxisDistances {
  if (cached) return cached;
  const fields = profileNames().map((n) => fieldsOfCpu(PROFILES[n].cpu));
  cached = {
    physAddrSize: distances(
      256,
      fields.map((f) => f.physAddrSize),
    ),
    reduction: distances(
      64,
      fields.map((f) => f.reduction),
    ),
    cBit: distances(
      64,
      fields.map((f) => f.cBit),
    ),
  };
  return cached;
}

/**
 * How far a profile is from real hardware: the largest of its three fields' distances, then their sum. Points with
 * the same key keep the space's own order.
 */
export function realismKey(p: { physAddrSize: number; reduction: number; cBit: number }): number {
  const d = axisDistances();
  const a = d.physAddrSize[p.physAddrSize]!;
  const b = d.reduction[p.reduction]!;
  const c = d.cBit[p.cBit]!;
  return Math.max(a, b, c) * 1024 + a + b + c;
}

/**
 * The point numbers from..to-1 (the sweep's numbering: C-bit fastest, then reduction, PhysAddrSize, memEncrypt,
 * guest kind) in visiting order: the real profiles' neighbourhood first.
 */
export function realisticOrder(from: number, to: number): Uint32Array {
  const n = Math.max(0, to - from);
  const keys = new Uint32Array(n);
  let maxKey = 0;
  for (let k = 0; k < n; k++) {
    const i = from + k;
    keys[k] = realismKey({
      cBit: i % 64,
      reduction: Math.floor(i / 64) % 64,
      physAddrSize: Math.floor(i / 4096) % 256,
    });
    maxKey = Math.max(maxKey, keys[k]!);
  }
  // A counting sort: stable (equal keys keep the space's order) and linear in the number of points.
  const start = new Uint32Array(maxKey + 2);
  for (let k = 0; k < n; k++) start[keys[k]! + 1]!++;
  for (let key = 1; key < start.length; key++) start[key]! += start[key - 1]!;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[start[keys[k]!]!++] = from + k;
  return order;
}
