// The reference model (implementation B): a hypervisor derived from the AMD specifications and the documented vmm
// contract. Every rule is a named pure function; RULES.md lists them with their sources and tests.
export { referenceFactory, smpReferenceFactory, ReferenceHypervisor, hostCpusOf } from "./hypervisor";
export { bit, bits, bitPositions, field32, fieldMask, flag32, maskOf, type BitField } from "./bits";
export {
  AMD_VENDOR,
  FN8000_0000_EAX,
  FN8000_0008_EAX,
  FN8000_001F_EAX,
  FN8000_001F_EBX,
  LEAF,
  decodeHostCpu,
  extendedLeafReported,
  isAmdCpu,
  memoryEncryptionEnabledOn,
  physAddrSizeOf,
  type HostCpuView,
} from "./cpuid";
export { PTE, mapsMemory, memoryPte, nestedAccessesAreUser, pteFrame, reservedBitsPte } from "./pte";
export {
  bitsAboveMaxPhysAddr,
  cBitNeverReserved,
  reductionWindow,
  reservedAddressBits,
  reservedOnEveryCpu,
} from "./reserved";
export {
  gpaKind,
  guestBacked,
  hasGuestMemory,
  memoryMapProblem,
  type MapProblem,
  rangeBelowMaxGpa,
  rangeContaining,
  rangeCountValid,
  rangePageAligned,
  rangesAscendingDisjoint,
  type GpaKind,
} from "./memmap";
export {
  cBitReported,
  createDecision,
  sevEsIsSev,
  sevEsMmioMask,
  sevEsNeedsReservedBits,
  vcpuCountValid,
  VMM_UP_ONLY,
  type CreateDecision,
  type CreateInput,
} from "./create";
export { insnBytesValid, npfAction, type NpfAction } from "./npf";
export {
  GHCB_MSR,
  SW_EXITCODE,
  ghcbErrorFor,
  ghcbMsrProtocolAnswer,
  ghcbMsrNamesGhcb,
  ghcbReachable,
  ghcbRequestKind,
  mmioNaeForMmio,
  mmioNaeOutsideMmio,
  unusableGhcbFailsRun,
  type GhcbError,
  type GhcbRequestKind,
} from "./vmgexit";
export { pvclockAction, pvclockArea, pvclockAtEntry, wallClockArea, type PvclockAction } from "./pvclock";
export { outOfMemoryFails } from "./memory";
export { EINVAL, ENOMEM } from "./errno";
export { RULE_BASIS, isPolicyRule, ruleBasis, type Basis } from "./basis";
