// The names of the implementations every layer refers to without loading one (the registry is `impls.ts`).

export const REFERENCE = "reference";
/** The reference under a vmm contract widened to VMs of several vcpus (the `smp` what-if's counterpart). */
export const REFERENCE_SMP = "reference-smp";
export const DEFAULT_IMPL = "posted";
/** The tree before the patch: the default baseline of every patch variant. */
export const PRE_PATCH = "pre-patch";
/** The --baseline value that asks for none. */
export const NO_BASELINE = "none";
