// What the sweep saw: per signature, how many profile points hit it and where (value ranges per axis).
import { GUEST_KINDS } from "../scenario/types";
import type { SweepPoint } from "./sweep";

export interface SignatureSpread {
  points: number;
  physAddrSize: Set<number>;
  reduction: Set<number>;
  cBit: Set<number>;
  memEncrypt: Set<boolean>;
  kind: Set<string>;
}

export class SweepMap {
  readonly spread = new Map<string, SignatureSpread>();
  private lastKey = "";
  private lastSignatures = new Set<string>();
  /** The point of the last probe recorded: a point's probes come one after the other, with the same object. */
  private lastPoint: SweepPoint | null = null;

  /** Adds another map's spreads (e.g. a worker's) to this one. */
  merge(other: ReadonlyMap<string, SignatureSpread>): void {
    for (const [sig, o] of other) {
      const s = this.spread.get(sig);
      if (!s) {
        this.spread.set(sig, {
          ...o,
          physAddrSize: new Set(o.physAddrSize),
          reduction: new Set(o.reduction),
          cBit: new Set(o.cBit),
          memEncrypt: new Set(o.memEncrypt),
          kind: new Set(o.kind),
        });
        continue;
      }
      s.points += o.points;
      for (const v of o.physAddrSize) s.physAddrSize.add(v);
      for (const v of o.reduction) s.reduction.add(v);
      for (const v of o.cBit) s.cBit.add(v);
      for (const v of o.memEncrypt) s.memEncrypt.add(v);
      for (const v of o.kind) s.kind.add(v);
    }
  }

  /** Records one probe's signatures at a point; a point counts once per signature however many probes hit. */
  record(p: SweepPoint, signatures: readonly string[]): void {
    if (p !== this.lastPoint) {
      this.lastPoint = p;
      const key = `${p.physAddrSize}/${p.reduction}/${p.cBit}/${p.memEncrypt}/${p.kind}`;
      if (key !== this.lastKey) {
        this.lastKey = key;
        this.lastSignatures = new Set();
      }
    }
    for (const sig of signatures) {
      if (this.lastSignatures.has(sig)) continue;
      this.lastSignatures.add(sig);
      let s = this.spread.get(sig);
      if (!s) {
        s = {
          points: 0,
          physAddrSize: new Set(),
          reduction: new Set(),
          cBit: new Set(),
          memEncrypt: new Set(),
          kind: new Set(),
        };
        this.spread.set(sig, s);
      }
      s.points++;
      s.physAddrSize.add(p.physAddrSize);
      s.reduction.add(p.reduction);
      s.cBit.add(p.cBit);
      s.memEncrypt.add(p.memEncrypt);
      s.kind.add(p.kind);
    }
  }
}

/** "0-47,49,52-255" for a set of integers; "all" when it covers 0..size-1. */
export function rangesText(values: Set<number>, size: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === size) return "all";
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export function spreadText(s: SignatureSpread): string {
  const mem = s.memEncrypt.size === 2 ? "any" : [...s.memEncrypt][0] ? "on" : "off";
  const kinds = s.kind.size === GUEST_KINDS.length ? "any" : [...s.kind].join(",");
  return `phys_addrsz ${rangesText(s.physAddrSize, 256)}; phys_red ${rangesText(s.reduction, 64)}; C-bit ${rangesText(s.cBit, 64)}; memEncrypt ${mem}; guest ${kinds}`;
}
