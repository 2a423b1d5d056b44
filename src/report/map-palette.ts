// The divergence map's colours: one per cell code, each severity's from the registry (Okabe–Ito, distinguishable
// with colour-blindness), then the two cells that hold no finding.
import { REGISTRY, severityOrder, type Registry } from "../diff/classes";
import { cellCodes, type CellKind } from "../engine/divergence-map";

export type { CellKind };

export interface PaletteEntry {
  kind: CellKind;
  /** The cell's character in a map row. */
  code: string;
  colour: string;
  /** The legend's words. */
  label: string;
}

/** Worst first, as the legend lists them. */
export function mapPalette(registry: Registry = REGISTRY): readonly PaletteEntry[] {
  const codes = cellCodes(registry);
  return Object.freeze([
    ...severityOrder(registry).map((s) => {
      const { colour, label } = registry.severities[s];
      return { kind: s, code: codes[s], colour, label: `${s}: ${label}` };
    }),
    { kind: "agree", code: codes.agree, colour: "#E2E2E2", label: "agree" },
    { kind: "none", code: codes.none, colour: "#FFFFFF", label: "not run" },
  ]);
}

export const MAP_PALETTE: readonly PaletteEntry[] = mapPalette();

export function paletteOfCode(code: string, palette: readonly PaletteEntry[] = MAP_PALETTE): PaletteEntry | undefined {
  return palette.find((p) => p.code === code);
}
