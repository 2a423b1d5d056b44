// The divergence map as SVG: one small-multiple panel per guest kind × memEncrypt × C-bit placement, x = PhysAddrSize,
// y = PhysAddrReduction, colour = the worst finding severity of the cell, real CPU profiles marked and labelled.
import { CBIT_PLACEMENTS, MAP_HEIGHT, MAP_WIDTH, type CbitPlacement, type MapPanel } from "../engine/divergence-map";
import { GUEST_KINDS, type GuestKind } from "../scenario/types";
import { escapeXml } from "./escape";
import { MAP_PALETTE, paletteOfCode, type PaletteEntry } from "./map-palette";
import { marksOnPanel, profileMarks, type ProfileMark } from "./profile-marks";

/** Pixels per PhysAddrReduction value; the plot's width in pixels. */
const CELL_H = 2;
const PLOT_W = 256;
/**
 * The x axis gives PhysAddrSize 0..ARCH_MAX-1 (every value x86 defines, real CPUs at 36..52) most of the width and
 * squeezes the rest, which only the sweep reaches, into the right edge.
 */
const ARCH_MAX = 64;
const WIDE_SHARE = 0.8;

/** The x offset of PhysAddrSize `v` in a plot (v = MAP_WIDTH: the right edge). */
export function xOfPhysAddrSize(v: number): number {
  const wide = PLOT_W * WIDE_SHARE;
  return v <= ARCH_MAX ? (v * wide) / ARCH_MAX : wide + ((v - ARCH_MAX) * (PLOT_W - wide)) / (MAP_WIDTH - ARCH_MAX);
}
const PLOT_H = MAP_HEIGHT * CELL_H;
/** Space around a plot inside its panel: title above, tick labels and axis titles left and below. */
const PAD = { left: 44, top: 20, right: 16, bottom: 34 };
const PANEL_W = PAD.left + PLOT_W + PAD.right;
const PANEL_H = PAD.top + PLOT_H + PAD.bottom;
const GAP = { x: 22, y: 8 };
const MARGIN = 16;
const HEADER_H = 104;
const LEGEND_COLUMNS = 5;
const LEGEND_COLUMN_W = 246;
const FONT = "DejaVu Sans, Verdana, Arial, sans-serif";

export const KIND_WORDS: Record<GuestKind, string> = {
  plain: "plain guest",
  sev: "SEV guest",
  "sev-es": "SEV-ES guest",
};
export const PLACEMENT_WORDS: Record<CbitPlacement, string> = {
  "below-window": "C-bit below window",
  "window-bottom": "C-bit at window bottom",
  "window-upper": "C-bit in window (upper)",
  "above-window": "C-bit above window",
};

export interface PanelKey {
  kind: GuestKind;
  memEncrypt: boolean;
  cbitPlacement: CbitPlacement;
}

export function panelTitle(p: PanelKey): string {
  return `${KIND_WORDS[p.kind]}, memEncrypt ${p.memEncrypt ? "on" : "off"}: ${PLACEMENT_WORDS[p.cbitPlacement]}`;
}

/** Every panel of the map in drawing order: rows guest kind × memEncrypt, columns C-bit placement. */
export function panelGrid(): PanelKey[] {
  const keys: PanelKey[] = [];
  for (const kind of GUEST_KINDS)
    for (const memEncrypt of [true, false])
      for (const cbitPlacement of CBIT_PLACEMENTS) keys.push({ kind, memEncrypt, cbitPlacement });
  return keys;
}

export const MAP_SVG_SIZE = {
  width: 2 * MARGIN + CBIT_PLACEMENTS.length * PANEL_W + (CBIT_PLACEMENTS.length - 1) * GAP.x,
  height: HEADER_H + GUEST_KINDS.length * 2 * (PANEL_H + GAP.y) + MARGIN,
};

const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** One path per colour: a rectangle for each run of equal cells in a row (not-run cells stay background). */
function cells(panel: MapPanel | undefined, x0: number, y0: number, palette: readonly PaletteEntry[]): string {
  if (!panel) return "";
  const runs = new Map<string, string[]>();
  panel.rows.forEach((row, reduction) => {
    const y = y0 + (MAP_HEIGHT - 1 - reduction) * CELL_H;
    for (let x = 0; x < row.length;) {
      let end = x + 1;
      while (end < row.length && row[end] === row[x]) end++;
      const code = row[x]!;
      if (code !== " ") {
        const d = runs.get(code) ?? [];
        const w = xOfPhysAddrSize(end) - xOfPhysAddrSize(x);
        d.push(`M${n(x0 + xOfPhysAddrSize(x))} ${n(y)}h${n(w)}v${CELL_H}h${n(-w)}z`);
        runs.set(code, d);
      }
      x = end;
    }
  });
  return [...runs]
    .map(([code, d]) => {
      const entry = paletteOfCode(code, palette);
      return `<path class="cells" data-severity="${entry?.kind ?? "unknown"}" fill="${entry?.colour ?? "#FF00FF"}" d="${d.join("")}"/>`;
    })
    .join("");
}

function axes(x0: number, y0: number): string {
  const out: string[] = [];
  const bottom = y0 + PLOT_H;
  out.push(`<rect x="${x0}" y="${y0}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#707070"/>`);
  const centre = (v: number) => x0 + (xOfPhysAddrSize(v) + xOfPhysAddrSize(v + 1)) / 2;
  const labelled = [0, 16, 32, 48, ARCH_MAX, MAP_WIDTH - 1];
  for (const v of [...Array.from({ length: ARCH_MAX / 8 }, (_, k) => k * 8), ARCH_MAX, 128, 192, MAP_WIDTH - 1]) {
    const major = labelled.includes(v);
    out.push(
      `<line x1="${n(centre(v))}" y1="${bottom}" x2="${n(centre(v))}" y2="${bottom + (major ? 4 : 2)}" stroke="#505050"/>`,
    );
    if (major) out.push(`<text x="${n(centre(v))}" y="${bottom + 13}" text-anchor="middle">${v}</text>`);
  }
  // Where the scale changes: to the right, 192 values share a fifth of the width.
  const edge = x0 + xOfPhysAddrSize(ARCH_MAX);
  out.push(
    `<line class="scale-break" x1="${n(edge)}" y1="${y0}" x2="${n(edge)}" y2="${bottom}" stroke="#707070" stroke-dasharray="2 2"/>`,
  );
  for (const v of [0, 16, 32, 48, MAP_HEIGHT - 1]) {
    const y = y0 + (MAP_HEIGHT - 1 - v + 0.5) * CELL_H;
    out.push(`<line x1="${x0 - 4}" y1="${n(y)}" x2="${x0}" y2="${n(y)}" stroke="#505050"/>`);
    out.push(`<text x="${x0 - 6}" y="${n(y + 3)}" text-anchor="end">${v}</text>`);
  }
  out.push(
    `<text class="axis-title" x="${x0 + PLOT_W / 2}" y="${bottom + 27}" text-anchor="middle">PhysAddrSize (${ARCH_MAX}–${MAP_WIDTH - 1} squeezed)</text>`,
    `<text class="axis-title" transform="translate(${x0 - 30} ${y0 + PLOT_H / 2}) rotate(-90)" text-anchor="middle">PhysAddrReduction</text>`,
  );
  return out.join("");
}

/** Markers on their cells; labels in a column beside them, stacked so that none overlaps another. */
function marks(list: readonly ProfileMark[], x0: number, y0: number): string {
  const groups = new Map<string, { x: number; y: number; names: string[] }>();
  for (const m of list) {
    const key = `${m.physAddrSize}/${m.reduction}`;
    const g = groups.get(key) ?? {
      x: x0 + (xOfPhysAddrSize(m.physAddrSize) + xOfPhysAddrSize(m.physAddrSize + 1)) / 2,
      y: y0 + (MAP_HEIGHT - 1 - m.reduction + 0.5) * CELL_H,
      names: [],
    };
    g.names.push(m.name);
    groups.set(key, g);
  }
  const sorted = [...groups.values()].sort((a, b) => b.y - a.y || a.x - b.x);
  if (sorted.length === 0) return "";
  const rightmost = Math.max(...sorted.map((g) => g.x));
  const labelWidth = Math.max(...sorted.map((g) => g.names.join(", ").length)) * 5.6;
  const onRight = rightmost + 16 + labelWidth <= x0 + PLOT_W;
  const labelX = onRight ? rightmost + 16 : Math.min(...sorted.map((g) => g.x)) - 16;
  const out: string[] = [];
  let nextY = y0 + PLOT_H - 4;
  for (const g of sorted) {
    const y = Math.min(g.y - 6, nextY);
    nextY = y - 12;
    const text = g.names.join(", ");
    out.push(
      `<line x1="${n(g.x)}" y1="${n(g.y)}" x2="${n(labelX + (onRight ? -2 : 2))}" y2="${n(y - 3)}" stroke="#000" stroke-width="0.8"/>`,
      `<circle cx="${n(g.x)}" cy="${n(g.y)}" r="3.5" fill="none" stroke="#fff" stroke-width="3"/>`,
      `<circle class="profile-mark" cx="${n(g.x)}" cy="${n(g.y)}" r="3.5" fill="none" stroke="#000" stroke-width="1.3"/>`,
      `<text class="profile-label" x="${n(labelX)}" y="${n(y)}" text-anchor="${onRight ? "start" : "end"}" ` +
        `font-size="9.5" paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round">${escapeXml(text)}</text>`,
    );
  }
  return out.join("");
}

function legend(y: number, palette: readonly PaletteEntry[]): string {
  const out: string[] = [`<g class="legend">`];
  const entries = [
    ...palette.map((p) => ({ swatch: `<rect width="12" height="12" fill="${p.colour}" stroke="#707070"/>`, ...p })),
    {
      kind: "profile",
      label: "real CPU profile (named)",
      swatch: `<circle cx="6" cy="6" r="4" fill="none" stroke="#000" stroke-width="1.3"/>`,
    },
  ];
  entries.forEach((e, i) => {
    const x = MARGIN + (i % LEGEND_COLUMNS) * LEGEND_COLUMN_W;
    const row = y + Math.floor(i / LEGEND_COLUMNS) * 18;
    out.push(
      `<g class="legend-entry" data-kind="${e.kind}" transform="translate(${x} ${row})">${e.swatch}` +
        `<text x="18" y="10">${escapeXml(e.label)}</text></g>`,
    );
  });
  out.push(`</g>`);
  return out.join("");
}

export interface MapSvgOptions {
  /** First line of the header. */
  title?: string;
  /** Second line: what ran (e.g. coverage of the sweep). */
  subtitle?: string;
  /** The cell colours and legend (default: the registry's). */
  palette?: readonly PaletteEntry[];
}

export function divergenceSvg(map: readonly MapPanel[], o: MapSvgOptions = {}): string {
  const { width, height } = MAP_SVG_SIZE;
  const all = profileMarks();
  const title = o.title ?? "Divergence map";
  const palette = o.palette ?? MAP_PALETTE;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="${FONT}" font-size="9" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${MARGIN}" y="42" font-size="11">${escapeXml(
      o.subtitle ??
        "x: PhysAddrSize, y: PhysAddrReduction; colour: worst finding of the cell over all C-bit positions of the panel",
    )}</text>`,
    `<text x="${MARGIN}" y="58" font-size="11">${escapeXml(
      "Panels: guest kind × memEncrypt (rows) × where the C-bit sits relative to the reduction window " +
        "[PhysAddrSize − PhysAddrReduction, PhysAddrSize − 1] (columns)",
    )}</text>`,
    legend(70, palette),
  ];
  panelGrid().forEach((key, i) => {
    const col = i % CBIT_PLACEMENTS.length;
    const row = Math.floor(i / CBIT_PLACEMENTS.length);
    const px = MARGIN + col * (PANEL_W + GAP.x);
    const py = HEADER_H + row * (PANEL_H + GAP.y);
    const x0 = px + PAD.left;
    const y0 = py + PAD.top;
    const panel = map.find(
      (p) => p.kind === key.kind && p.memEncrypt === key.memEncrypt && p.cbitPlacement === key.cbitPlacement,
    );
    out.push(
      `<g class="panel" data-kind="${key.kind}" data-mem-encrypt="${key.memEncrypt}" data-placement="${key.cbitPlacement}">`,
      `<text class="panel-title" x="${px + 4}" y="${y0 - 7}" font-size="10.5" font-weight="bold">${escapeXml(panelTitle(key))}</text>`,
      `<rect x="${x0}" y="${y0}" width="${PLOT_W}" height="${PLOT_H}" fill="#fff"/>`,
      cells(panel, x0, y0, palette),
      panel
        ? ""
        : `<text x="${x0 + PLOT_W / 2}" y="${y0 + PLOT_H / 2 + 4}" text-anchor="middle" fill="#909090" font-size="11">not run</text>`,
      axes(x0, y0),
      marks(marksOnPanel(all, key.kind, key.memEncrypt, key.cbitPlacement), x0, y0),
      `</g>`,
    );
  });
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}
