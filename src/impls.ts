// Every implementation that can play A or B, by name: the port's variants and the reference model.
import { referenceFactory, smpReferenceFactory } from "../reference";
import { UsageError } from "./cli/io";
import type { Implementation } from "./diff/run-pair";
import { getVariant, variantNames } from "./port/variants";

export const REFERENCE = "reference";
/** The reference under a vmm contract widened to VMs of several vcpus (the `smp` what-if's counterpart). */
export const REFERENCE_SMP = "reference-smp";
export const DEFAULT_IMPL = "posted";
/** The tree before the patch: the default baseline of every patch variant. */
export const PRE_PATCH = "pre-patch";
/** The --baseline value that asks for none. */
export const NO_BASELINE = "none";

export function implementationNames(): string[] {
  return [...variantNames(), REFERENCE, REFERENCE_SMP];
}

/** The implementation named `name`; a usage error (exit 2) names the known ones. */
export function implementation(name: string): Implementation {
  if (name === REFERENCE) return { name, factory: referenceFactory };
  if (name === REFERENCE_SMP) return { name, factory: smpReferenceFactory };
  if (!variantNames().includes(name)) {
    throw new UsageError(`unknown implementation "${name}" (known: ${implementationNames().join(", ")})`);
  }
  return { name, factory: getVariant(name).factory };
}

/**
 * The baseline a finding of `implA` is compared with to tell introduced from inherited: `name` when given ("none":
 * no baseline), else pre-patch for a patch variant, none for pre-patch itself and for the reference.
 */
export function baselineName(name: string | undefined, implA: string): string | null {
  if (name === NO_BASELINE) return null;
  if (name !== undefined) return implementation(name).name;
  if (implA === PRE_PATCH || !variantNames().includes(implA)) return null;
  return getVariant(implA).prePatchBaseline ? PRE_PATCH : null;
}

export function baselineImplementation(name: string | null): Implementation | null {
  return name === null ? null : implementation(name);
}
