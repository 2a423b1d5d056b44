// The sweep's probe scenarios on each named CPU profile of the catalog: what an implementation does on real CPUs,
// per guest kind, with memory encryption as the BIOS asks for it (on and off).
import { runPair, type Implementation } from "../diff/run-pair";
import type { Severity } from "../diff/classes";
import { PROFILES, profileNames } from "../scenario/profiles";
import { GUEST_KINDS, type GuestKind } from "../scenario/types";
import { probeSteps, sweepScenario } from "./sweep";

export interface CatalogHit {
  profile: string;
  kind: GuestKind;
  memEncrypt: boolean;
  probe: string;
  signature: string;
  severity: Severity;
}

/** Every finding above info of `a` against `b` on the probes of every catalog profile, in catalog order. */
export function catalogFindings(a: Implementation, b: Implementation): CatalogHit[] {
  const hits: CatalogHit[] = [];
  for (const profile of profileNames()) {
    const cpu = PROFILES[profile].cpu;
    for (const memEncrypt of [true, false]) {
      for (const kind of GUEST_KINDS) {
        for (const probe of probeSteps(kind)) {
          const point = { physAddrSize: 0, reduction: 0, cBit: 0, memEncrypt, kind };
          for (const f of runPair(sweepScenario(point, probe.steps, cpu), a, b).findings) {
            if (f.severity === "info") continue;
            hits.push({ profile, kind, memEncrypt, probe: probe.name, signature: f.signature, severity: f.severity });
          }
        }
      }
    }
  }
  return hits;
}
