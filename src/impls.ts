// Every implementation that can play A or B, by name: the port's variants and the reference model.
import { referenceFactory } from "../reference";
import { UsageError } from "./cli/io";
import type { Implementation } from "./diff/run-pair";
import { getVariant, variantNames } from "./port/variants";

export const REFERENCE = "reference";
export const DEFAULT_IMPL = "posted";

export function implementationNames(): string[] {
  return [...variantNames(), REFERENCE];
}

/** The implementation named `name`; a usage error (exit 2) names the known ones. */
export function implementation(name: string): Implementation {
  if (name === REFERENCE) return { name, factory: referenceFactory };
  if (!variantNames().includes(name)) {
    throw new UsageError(`unknown implementation "${name}" (known: ${implementationNames().join(", ")})`);
  }
  return { name, factory: getVariant(name).factory };
}
