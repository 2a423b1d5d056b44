// Which part of the guest memory map a GPA falls in: the "region" of signatures and reports.
import type { MemRange } from "../scenario/types";

export type Region = "ram" | "reserved" | "mmio" | "gap";

export function regionOf(memory: readonly MemRange[], gpa: bigint): Region {
  for (const r of memory) if (gpa >= r.gpa && gpa < r.gpa + r.size) return r.type;
  return "gap";
}
