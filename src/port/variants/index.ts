// The registry of the port's variants: one line per variant file.
import { bogusHpa } from "./bogus-hpa";
import { posted } from "./posted";
import { prePatch } from "./pre-patch";
import { proposed } from "./proposed";
import { SERIES_PREFIXES } from "./series";
import { protNone } from "./prot-none";
import { smp } from "./smp";
import type { PortVariant } from "./variant";

export type { PortVariant } from "./variant";

const REGISTRY: readonly PortVariant[] = [prePatch, posted, proposed, ...SERIES_PREFIXES, protNone, bogusHpa, smp];

/** The variant named `name`; throws with the known names for an unknown one. */
export function getVariant(name: string): PortVariant {
  const v = REGISTRY.find((r) => r.name === name);
  if (!v) throw new Error(`unknown port variant "${name}" (known: ${variantNames().join(", ")})`);
  return v;
}

/** The names of all variants, in registry order. */
export function variantNames(): string[] {
  return REGISTRY.map((r) => r.name);
}
