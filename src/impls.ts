// Every implementation that can play A or B, by name: the port's variants and the reference model.
import { referenceFactory, smpReferenceFactory } from "../reference";
import type { Implementation } from "./diff/run-pair";
import { UsageError } from "./errors";
import { DEFAULT_IMPL, NO_BASELINE, PRE_PATCH, REFERENCE, REFERENCE_SMP } from "./impl-names";
import { getVariant, variantNames } from "./port/variants";

export { DEFAULT_IMPL, NO_BASELINE, PRE_PATCH, REFERENCE, REFERENCE_SMP };

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

/** Whether an implementation creates VMs of several vcpus: the smp what-if and reference-smp; vmm today does not. */
export function createsSeveralVcpus(name: string): boolean {
  if (name === REFERENCE_SMP) return true;
  return variantNames().includes(name) && getVariant(name).against === REFERENCE_SMP;
}

/** The implementation A is compared with when none is named: the reference under A's own vmm contract. */
export function defaultAgainst(implA: string): string {
  return variantNames().includes(implA) ? getVariant(implA).against : REFERENCE;
}
