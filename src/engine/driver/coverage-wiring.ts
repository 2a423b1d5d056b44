// The coverage engine in a campaign: jsfuzz instruments the compiled JavaScript, so it needs the project's root
// and `npm run build`; it runs one fuzzer process, and learns each signature the campaign knows or finds.
import { existsSync } from "fs";
import { basename, dirname, join } from "path";
import { UsageError } from "../../errors";
import type { Engine } from "../campaign";
import { compiledPaths, coverageEngine } from "../coverage";

/** The folder of the project's package.json above this file (src/engine/driver, or dist/src/engine/driver). */
export function projectRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  throw new Error(`no package.json above ${from}`);
}

export interface CoverageWiring {
  corpusDir: string;
  jobs: number;
  seed: number;
  impl: string;
  against: string;
  /** The signatures known before and found during the campaign: the fuzzer restarts knowing them. */
  known: () => string[];
}

export function coverageCampaignEngine(w: CoverageWiring): Engine {
  const root = projectRoot();
  if (!existsSync(compiledPaths(root).target)) {
    throw new UsageError("the coverage engine fuzzes the compiled JavaScript: run `npm run build` first");
  }
  if (w.jobs > 1) throw new UsageError("the coverage engine runs one fuzzer process; use --jobs 1");
  return coverageEngine({
    root,
    corpusDir: w.corpusDir,
    workDir: join(w.corpusDir, "..", `.${basename(w.corpusDir)}-work`),
    seed: w.seed,
    impl: w.impl,
    against: w.against,
    known: w.known,
  });
}
