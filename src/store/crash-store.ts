// crashes/: one finding file per signature, named by the signature's hash, always the smallest scenario seen.
import { existsSync, mkdirSync, readdirSync } from "fs";
import { join } from "path";
import { InputError, readInputText } from "../scenario/json-reader";
import { writeFileAtomic } from "./atomic-write";
import {
  decodeFindingFile,
  encodeFindingFile,
  findingFileName,
  storedSignature,
  type FindingFile,
} from "./finding-file";
import { compareSize } from "./scenario-size";

export type SaveResult = "new" | "smaller" | "kept";

export class CrashStore {
  private readonly known = new Map<string, FindingFile>();

  constructor(readonly dir: string) {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      try {
        const file = decodeFindingFile(readInputText(join(dir, name)));
        this.known.set(this.key(file), file);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        e.file = join(dir, name);
        throw e;
      }
    }
  }

  /** Findings of different implementations are stored apart: the key is signature + impl + against. */
  private key(f: Pick<FindingFile, "signature" | "impl" | "against">): string {
    return `${f.impl}~${f.against}~${f.signature}`;
  }

  has(signature: string, impl: string, against: string): boolean {
    return this.known.has(this.key({ signature, impl, against }));
  }

  all(): FindingFile[] {
    return [...this.known.values()];
  }

  /** The signatures stored for one pair of implementations. */
  signatures(impl: string, against: string): string[] {
    return this.all()
      .filter((f) => f.impl === impl && f.against === against)
      .map((f) => f.signature);
  }

  pathOf(f: Pick<FindingFile, "signature" | "impl" | "against">): string {
    return join(this.dir, findingFileName(storedSignature(f)));
  }

  /** Stores `file` unless a smaller scenario with the same signature is already there. */
  save(file: FindingFile): SaveResult {
    const old = this.known.get(this.key(file));
    const path = this.pathOf(file);
    const text = encodeFindingFile(file);
    if (old) {
      // Smaller scenario wins; on a tie the smaller text, so the result does not depend on arrival order.
      const bySize = compareSize(file.scenario, old.scenario);
      if (bySize > 0 || (bySize === 0 && text >= encodeFindingFile(old))) return "kept";
    }
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(path, text);
    this.known.set(this.key(file), file);
    return old ? "smaller" : "new";
  }
}
