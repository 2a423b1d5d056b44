// The divergence map's colours: one per cell code, from the Okabe–Ito palette, distinguishable with colour-blindness.
import { CELL_CODES } from "../engine/divergence-map";

export type CellKind = keyof typeof CELL_CODES;

export interface PaletteEntry {
  kind: CellKind;
  colour: string;
  /** The legend's words. */
  label: string;
}

/** Worst first, as the legend lists them. */
export const MAP_PALETTE: readonly PaletteEntry[] = Object.freeze([
  { kind: "security", colour: "#D55E00", label: "security: host memory exposed" },
  { kind: "crash", colour: "#CC79A7", label: "crash: host kernel fault" },
  { kind: "functional", colour: "#E69F00", label: "functional: exit or PTE mismatch" },
  { kind: "bug", colour: "#000000", label: "bug: implementation error" },
  { kind: "ub", colour: "#009E73", label: "ub: C undefined behaviour" },
  { kind: "info", colour: "#56B4E9", label: "info: PTE bits only" },
  { kind: "agree", colour: "#E2E2E2", label: "agree" },
  { kind: "none", colour: "#FFFFFF", label: "not run" },
]);

export function paletteOfCode(code: string): PaletteEntry | undefined {
  return MAP_PALETTE.find((p) => CELL_CODES[p.kind] === code);
}
