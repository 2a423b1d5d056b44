// The divergence map's data: for each panel (guest kind × memEncrypt × where the C-bit sits relative to the
// reduction window), the worst finding severity at every (PhysAddrSize, PhysAddrReduction) cell.
import { REGISTRY, SEVERITY_ORDER, severityOrder, type Registry, type Severity } from "../diff/classes";
import { GUEST_KINDS, type GuestKind } from "../scenario/types";
import type { SweepPoint } from "./sweep";

/** Where the C-bit sits relative to the PhysAddrReduction window [phys - red, phys - 1]. */
export const CBIT_PLACEMENTS = ["below-window", "window-bottom", "window-upper", "above-window"] as const;
export type CbitPlacement = (typeof CBIT_PLACEMENTS)[number];

export function cbitPlacement(p: Pick<SweepPoint, "physAddrSize" | "reduction" | "cBit">): CbitPlacement {
  const bottom = p.physAddrSize - p.reduction;
  if (p.cBit < bottom) return "below-window";
  if (p.cBit === bottom) return "window-bottom";
  if (p.cBit < p.physAddrSize) return "window-upper";
  return "above-window";
}

export type CellKind = "none" | "agree" | Severity;

/** One character per cell: not run, agree, or the worst severity found there (its `cell` in the registry). */
export function cellCodes(registry: Registry = REGISTRY): Record<CellKind, string> {
  const codes = { none: " ", agree: "." } as Record<CellKind, string>;
  for (const s of severityOrder(registry)) codes[s] = registry.severities[s].cell;
  return codes;
}

export const CELL_CODES: Readonly<Record<CellKind, string>> = Object.freeze(cellCodes());

/** Cell kinds from the mildest to the worst: a cell keeps the highest index it was given. */
const RANK: readonly CellKind[] = ["none", "agree", ...[...SEVERITY_ORDER].reverse()];

export const MAP_WIDTH = 256;
export const MAP_HEIGHT = 64;

export interface MapPanel {
  kind: GuestKind;
  memEncrypt: boolean;
  cbitPlacement: CbitPlacement;
  /** MAP_HEIGHT rows (PhysAddrReduction 0..63) of MAP_WIDTH characters (PhysAddrSize 0..255), codes of CELL_CODES. */
  rows: string[];
}

export class DivergenceMap {
  private readonly cells = new Map<string, Uint8Array>();

  private panel(kind: GuestKind, memEncrypt: boolean, placement: CbitPlacement): Uint8Array {
    const key = `${kind}/${memEncrypt}/${placement}`;
    let grid = this.cells.get(key);
    if (!grid) {
      grid = new Uint8Array(MAP_WIDTH * MAP_HEIGHT);
      this.cells.set(key, grid);
    }
    return grid;
  }

  /** The point of the last probe recorded and its panel: a point's probes come one after the other. */
  private last: { point: SweepPoint; grid: Uint8Array } | null = null;

  /** Records the severities one probe of a sweep point produced (none: the two agreed). */
  record(p: SweepPoint, severities: readonly Severity[]): void {
    if (this.last?.point !== p) this.last = { point: p, grid: this.panel(p.kind, p.memEncrypt, cbitPlacement(p)) };
    const grid = this.last.grid;
    const i = p.reduction * MAP_WIDTH + p.physAddrSize;
    let rank = Math.max(grid[i]!, RANK.indexOf("agree"));
    for (const s of severities) rank = Math.max(rank, RANK.indexOf(s));
    grid[i] = rank;
  }

  /** Merges another map (e.g. a shard's) into this one, keeping the worst of each cell. */
  merge(other: readonly MapPanel[]): void {
    for (const panel of other) {
      const grid = this.panel(panel.kind, panel.memEncrypt, panel.cbitPlacement);
      panel.rows.forEach((row, y) => {
        for (let x = 0; x < MAP_WIDTH; x++) {
          const rank = RANK.findIndex((r) => CELL_CODES[r] === row[x]);
          const i = y * MAP_WIDTH + x;
          grid[i] = Math.max(grid[i]!, Math.max(rank, 0));
        }
      });
    }
  }

  panels(): MapPanel[] {
    const out: MapPanel[] = [];
    for (const kind of GUEST_KINDS) {
      for (const memEncrypt of [true, false]) {
        for (const placement of CBIT_PLACEMENTS) {
          const grid = this.cells.get(`${kind}/${memEncrypt}/${placement}`);
          if (!grid) continue;
          const rows: string[] = [];
          for (let y = 0; y < MAP_HEIGHT; y++) {
            let row = "";
            for (let x = 0; x < MAP_WIDTH; x++) row += CELL_CODES[RANK[grid[y * MAP_WIDTH + x]!]!];
            rows.push(row);
          }
          out.push({ kind, memEncrypt, cbitPlacement: placement, rows });
        }
      }
    }
    return out;
  }
}
