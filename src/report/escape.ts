// Escaping text for XML (SVG, HTML) and for Markdown table cells.

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
}

/** Text for one Markdown table cell: pipes escaped (also inside code spans), no line breaks. */
export function escapeMdCell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** An inline code span holding `s`, fenced with enough backticks. */
export function mdCode(s: string): string {
  const ticks = "`".repeat(Math.max(0, ...(s.match(/`+/g) ?? []).map((t) => t.length)) + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${ticks}${pad}${s}${pad}${ticks}`;
}
