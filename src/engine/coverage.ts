// The coverage-guided engine: jsfuzz (istanbul branch coverage on the compiled JavaScript) mutates bytes that
// coverage-target.ts decodes into scenarios. Each crash it reports is a new divergence: the campaign minimizes and
// stores it, then the fuzzer restarts with that signature known, on the same libFuzzer-style corpus directory.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join, relative } from "path";
import { scenarioDecoder } from "../scenario/decode-bytes";
import type { Engine } from "./campaign";

export interface CoverageOptions {
  /** The project root: jsfuzz resolves the target against its working directory. */
  root: string;
  /** One input per file, named by content hash (libFuzzer's layout); kept across runs. */
  corpusDir: string;
  /** Scratch folder for the known-signature list and the crash artifact. */
  workDir: string;
  seed: number;
  impl: string;
  against: string;
  known: () => string[];
}

/** The compiled target and preload; the coverage engine needs `npm run build`. */
export function compiledPaths(root: string): { target: string; preload: string } {
  return {
    target: join(root, "dist", "src", "engine", "coverage-target.js"),
    preload: join(root, "dist", "src", "engine", "seeded-random.js"),
  };
}

export function coverageEngine(o: CoverageOptions): Engine {
  const { target, preload } = compiledPaths(o.root);
  const jsfuzz = require.resolve("jsfuzz/build/src/index.js");
  const decode = scenarioDecoder();
  return (ctx) => {
    mkdirSync(o.corpusDir, { recursive: true });
    mkdirSync(o.workDir, { recursive: true });
    const knownFile = join(o.workDir, "known.json");
    const artifact = join(o.workDir, "crash-input");
    for (let round = 0; !ctx.shouldStop(); round++) {
      const remaining = ctx.remainingMs();
      if (remaining <= 0) return;
      writeFileSync(knownFile, JSON.stringify(o.known()));
      rmSync(artifact, { force: true });
      const run = spawnSync(
        process.execPath,
        [jsfuzz, relative(o.root, target), o.corpusDir, `--exact-artifact-path=${artifact}`, "--versifier=false"],
        {
          cwd: o.root,
          encoding: "utf8",
          maxBuffer: 256 << 20,
          timeout: Number.isFinite(remaining) ? Math.max(1000, remaining) : undefined,
          killSignal: "SIGKILL",
          env: {
            ...process.env,
            NODE_OPTIONS: `--require ${preload}`,
            VMM_DIFFFUZZ_RANDOM_SEED: `${o.seed}/${round}`,
            VMM_DIFFFUZZ_IMPL: o.impl,
            VMM_DIFFFUZZ_AGAINST: o.against,
            VMM_DIFFFUZZ_KNOWN: knownFile,
          },
        },
      );
      const counts = [...(run.stdout ?? "").matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
      ctx.addExecs(counts.length > 0 ? counts[counts.length - 1]! : 0);
      if (!existsSync(artifact)) return;
      const bytes = readFileSync(artifact);
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
      ctx.execute(decode(bytes), `coverage seed ${o.seed} round ${round} input ${hash}`);
    }
  };
}
