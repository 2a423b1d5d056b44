// Signatures already on record, which a campaign reports as known, never as new: the finding files of crash stores
// and the expectations of corpus scenarios (each port variant's signatures against the reference).
import { existsSync, readdirSync, statSync } from "fs";
import { REFERENCE } from "../impl-names";
import { corpusFiles } from "./corpus";
import { CrashStore } from "./crash-store";
import { readScenarioFile } from "./read-scenario-file";

export class KnownSignatures {
  private readonly keys = new Set<string>();

  private static key(impl: string, against: string, signature: string): string {
    return `${impl}~${against}~${signature}`;
  }

  add(impl: string, against: string, signature: string): void {
    this.keys.add(KnownSignatures.key(impl, against, signature));
  }

  has(impl: string, against: string, signature: string): boolean {
    return this.keys.has(KnownSignatures.key(impl, against, signature));
  }

  /** The signatures on record for one pair of implementations, sorted. */
  signatures(impl: string, against: string): string[] {
    const prefix = KnownSignatures.key(impl, against, "");
    return [...this.keys]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .sort();
  }

  addStore(store: CrashStore): void {
    for (const f of store.all()) this.add(f.impl, f.against, f.signature);
  }

  /** Reads a crash store (finding files) or a corpus folder (scenarios with expectations); absent folders are empty. */
  addFolder(dir: string): void {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    const names = readdirSync(dir).filter((n) => n.endsWith(".json") && !n.startsWith("."));
    if (names.length === 0) return;
    for (const path of corpusFiles(dir)) {
      const input = readScenarioFile(path);
      if (input.kind === "finding") this.add(input.finding.impl, input.finding.against, input.finding.signature);
      else
        for (const [impl, sigs] of Object.entries(input.scenario.expect ?? {}))
          for (const s of sigs) this.add(impl, REFERENCE, s);
    }
  }

  static of(dirs: readonly string[]): KnownSignatures {
    const known = new KnownSignatures();
    for (const d of dirs) known.addFolder(d);
    return known;
  }
}
