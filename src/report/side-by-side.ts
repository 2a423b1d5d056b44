// Both sides' events step by step in two columns, for `replay`.
import type { Outcome } from "../cpu/events";
import type { Step } from "../scenario/types";
import { createText, eventText, stepText } from "./events-text";

const COLUMN = 64;

function columns(left: string[], right: string[]): string[] {
  const rows: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i] ?? "";
    rows.push(
      `    ${l.length > COLUMN - 2 ? `${l.slice(0, COLUMN - 3)}…` : l.padEnd(COLUMN - 2)}  ${right[i] ?? ""}`.trimEnd(),
    );
  }
  return rows;
}

function stepEvents(o: Outcome, i: number): string[] {
  if (o.create !== 0) return ["(no VM)"];
  const s = o.steps[i];
  return s ? s.events.map(eventText) : ["(not run: the VM or host stopped)"];
}

export function sideBySide(a: Outcome, b: Outcome, steps: readonly Step[]): string {
  const lines = [`    ${`A = ${a.impl}`.padEnd(COLUMN - 2)}  B = ${b.impl}`];
  lines.push(`  create:`);
  lines.push(
    ...columns([createText(a), ...a.createEvents.map(eventText)], [createText(b), ...b.createEvents.map(eventText)]),
  );
  steps.forEach((s, i) => {
    lines.push(`  step ${i}: ${stepText(s)}`);
    lines.push(...columns(stepEvents(a, i), stepEvents(b, i)));
  });
  lines.push("  final nested PTEs:");
  const pages = [...new Set([...a.ptes.keys(), ...b.ptes.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const pte = (o: Outcome, p: bigint) => `0x${(o.ptes.get(p) ?? 0n).toString(16).padStart(16, "0")}`;
  for (const p of pages) lines.push(...columns([`gpa 0x${p.toString(16)}: ${pte(a, p)}`], [pte(b, p)]));
  return `${lines.join("\n")}\n`;
}
