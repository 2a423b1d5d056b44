// Where the named real CPU profiles sit on the divergence map: their cell and the panels they belong on.
import { cbitPlacement, type CbitPlacement } from "../engine/divergence-map";
import { ENC_FEATURE, PROFILES, fieldsOfCpu, profileNames } from "../scenario/profiles";
import type { GuestKind } from "../scenario/types";

export interface ProfileMark {
  name: string;
  physAddrSize: number;
  reduction: number;
  cBit: number;
  placement: CbitPlacement;
  /** Guest kinds the CPU can run: plain always, SEV and SEV-ES when CPUID Fn8000_001F EAX reports them. */
  kinds: GuestKind[];
  /** memEncrypt settings the CPU allows: on only when it reports SME (Fn8000_001F EAX bit 0). */
  memEncrypt: boolean[];
}

/** Every named profile, decoded from its CPUID leaves (Fn8000_0008 EAX, Fn8000_001F EAX/EBX). */
export function profileMarks(): ProfileMark[] {
  return profileNames().map((name) => {
    const f = fieldsOfCpu(PROFILES[name].cpu);
    const has = (bit: number) => (f.encFeatures & bit) !== 0;
    const kinds: GuestKind[] = ["plain"];
    if (has(ENC_FEATURE.SEV)) kinds.push("sev");
    if (has(ENC_FEATURE.SEV) && has(ENC_FEATURE.SevEs)) kinds.push("sev-es");
    return {
      name,
      physAddrSize: f.physAddrSize,
      reduction: f.reduction,
      cBit: f.cBit,
      placement: cbitPlacement({ physAddrSize: f.physAddrSize, reduction: f.reduction, cBit: f.cBit }),
      kinds,
      memEncrypt: has(ENC_FEATURE.SME) ? [true, false] : [false],
    };
  });
}

/** The marks that belong on the panel of `kind`, `memEncrypt` and `placement`. */
export function marksOnPanel(
  marks: readonly ProfileMark[],
  kind: GuestKind,
  memEncrypt: boolean,
  placement: CbitPlacement,
): ProfileMark[] {
  return marks.filter((m) => m.placement === placement && m.kinds.includes(kind) && m.memEncrypt.includes(memEncrypt));
}
