// Both sides' events step by step in two columns, for `replay`.
import type { Outcome } from "../cpu/events";
import type { Step } from "../scenario/types";
import { createText, eventText, stepText } from "./events-text";

/** The narrowest column: below it, wrapping would cut words into pieces; the lines then run past the width. */
const MIN_COLUMN = 24;

/** Splits `text` into lines of at most `width` characters, at spaces where it can; nothing is dropped. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(" ", width);
    const cut = space > width / 3 ? space : width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** Two columns of `width` characters each; each cell wrapped so that no text is cut. */
function columns(left: readonly string[], right: readonly string[], width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = wrap(left[i] ?? "", width);
    const r = wrap(right[i] ?? "", width);
    for (let k = 0; k < Math.max(l.length, r.length); k++)
      rows.push(`    ${(l[k] ?? "").padEnd(width)}  ${r[k] ?? ""}`.trimEnd());
  }
  return rows;
}

function stepEvents(o: Outcome, i: number): string[] {
  if (o.create !== 0) return ["(no VM)"];
  const s = o.steps[i];
  return s ? s.events.map(eventText) : ["(not run: the VM or host stopped)"];
}

/**
 * Both sides in two columns. On a terminal of `terminalColumns`, each column takes half of it and long events wrap
 * onto more lines; without one (a file, a pipe) the left column is as wide as its longest line: lines are whole.
 */
export function sideBySide(a: Outcome, b: Outcome, steps: readonly Step[], terminalColumns?: number): string {
  const create = [
    [createText(a), ...a.createEvents.map(eventText)],
    [createText(b), ...b.createEvents.map(eventText)],
  ] as const;
  const stepRows = steps.map((_, i) => [stepEvents(a, i), stepEvents(b, i)] as const);
  const pages = [...new Set([...a.ptes.keys(), ...b.ptes.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const pte = (o: Outcome, p: bigint) => `0x${(o.ptes.get(p) ?? 0n).toString(16).padStart(16, "0")}`;
  const pteRows = pages.map((p) => [[`gpa 0x${p.toString(16)}: ${pte(a, p)}`], [pte(b, p)]] as const);
  const leftCells = [`A = ${a.impl}`, ...create[0], ...stepRows.flatMap(([l]) => l), ...pteRows.flatMap(([l]) => l)];
  const width =
    terminalColumns === undefined
      ? Math.max(...leftCells.map((c) => c.length))
      : Math.max(MIN_COLUMN, Math.floor((terminalColumns - 7) / 2));
  const lines = columns([`A = ${a.impl}`], [`B = ${b.impl}`], width);
  lines.push(`  create:`);
  lines.push(...columns(create[0], create[1], width));
  steps.forEach((s, i) => {
    lines.push(`  step ${i}: ${stepText(s)}`);
    lines.push(...columns(stepRows[i]![0], stepRows[i]![1], width));
  });
  lines.push("  final nested PTEs:");
  for (const [l, r] of pteRows) lines.push(...columns(l, r, width));
  return `${lines.join("\n")}\n`;
}
