// Whether each rule follows from a quoted source sentence ("spec") or is a choice the sources leave open ("policy").
// RULES.md carries the same tag in its basis column; test/reference/basis.test.ts checks that the two agree.

export type Basis = "spec" | "policy";

export const RULE_BASIS: Readonly<Record<string, Basis>> = Object.freeze({
  isAmdCpu: "spec",
  extendedLeafReported: "spec",
  physAddrSizeOf: "spec",
  memoryEncryptionEnabledOn: "spec",
  nestedAccessesAreUser: "spec",
  memoryPte: "spec",
  reservedBitsPte: "spec",
  bitsAboveMaxPhysAddr: "spec",
  reductionWindow: "spec",
  cBitNeverReserved: "spec",
  reservedOnEveryCpu: "policy",
  rangeCountValid: "spec",
  rangePageAligned: "spec",
  rangeBelowMaxGpa: "spec",
  rangesAscendingDisjoint: "spec",
  guestBacked: "spec",
  hasGuestMemory: "spec",
  vcpuCountValid: "spec",
  sevEsIsSev: "spec",
  cBitReported: "spec",
  sevEsMmioMask: "spec",
  sevEsNeedsReservedBits: "policy",
  npfAction: "spec",
  insnBytesValid: "spec",
  ghcbMsrNamesGhcb: "policy",
  ghcbReachable: "spec",
  unusableGhcbFailsRun: "policy",
  ghcbRequestKind: "spec",
  mmioNaeForMmio: "spec",
  mmioNaeOutsideMmio: "policy",
  pvclockAction: "spec",
  pvclockArea: "spec",
  pvclockAtEntry: "spec",
  wallClockArea: "spec",
  ghcbErrorFor: "policy",
  ghcbMsrProtocolAnswer: "policy",
  outOfMemoryFails: "spec",
  /** Not a rule of this directory: the simulated PSP refused LAUNCH_START (the machine decided). */
  pspLaunchStart: "spec",
});

/** The basis of a rule; a name not in the table is a bug of the reference model. */
export function ruleBasis(rule: string): Basis {
  const basis = RULE_BASIS[rule];
  if (basis === undefined) throw new Error(`reference: rule ${rule} has no basis`);
  return basis;
}

export function isPolicyRule(rule: string): boolean {
  return ruleBasis(rule) === "policy";
}

/**
 * Rules whose decision at a step reads what VM creation decided (the MMIO mask): a policy applied at creation
 * counts for a finding at a step only where one of these applied.
 */
export const READS_CREATION: ReadonlySet<string> = new Set(["reservedBitsPte"]);
