// Reach: does a finding happen on a real AMD host? Its scenario is run again with every host CPU replaced by each
// catalog profile (memory encryption on, as a host that runs SEV guests has it), everything else unchanged.
import { CATALOG, type CatalogEntry } from "../scenario/profiles";
import type { Scenario } from "../scenario/types";
import { checkScenario } from "../scenario/validate";
import { runPair, type Implementation } from "./run-pair";

export interface Reach {
  /** "real-cpu": the same signature appears on at least one catalog profile; else "exotic-cpuid". */
  kind: "real-cpu" | "exotic-cpuid";
  /** The catalog profiles on which the same signature appears, in catalog order. */
  realProfiles: string[];
}

/** The scenario on a host whose every CPU is `entry`, with SYSCFG.MemEncryptionModEn asked for. */
export function onCatalogHost(scenario: Scenario, entry: CatalogEntry): Scenario {
  return { ...scenario, host: { ...scenario.host, cpus: scenario.host.cpus.map(() => entry.cpu), memEncrypt: true } };
}

/** The reach of each of `signatures`, all found on `scenario` by A against B. */
export function reachOf(
  scenario: Scenario,
  signatures: readonly string[],
  implA: Implementation,
  implB: Implementation,
  catalog: readonly CatalogEntry[] = CATALOG,
): Map<string, Reach> {
  const real = new Map<string, string[]>(signatures.map((s) => [s, []]));
  for (const entry of catalog) {
    const onIt = onCatalogHost(scenario, entry);
    if (checkScenario(onIt) !== null) continue;
    for (const f of runPair(onIt, implA, implB).findings) real.get(f.signature)?.push(entry.name);
  }
  const out = new Map<string, Reach>();
  for (const [signature, profiles] of real) {
    out.set(signature, { kind: profiles.length > 0 ? "real-cpu" : "exotic-cpuid", realProfiles: profiles });
  }
  return out;
}
