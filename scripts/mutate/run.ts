// `npm run mutate`: applies each seeded bug of mutants.ts alone, measures the tree with check.ts in a child process
// (a bounded random campaign of proposed and posted against the reference, and the regression replay), restores
// the file, and calls the mutant killed when anything differs from the unmutated tree. Prints the score and the
// survivors. MUTATE_RUNS (default 3000) bounds each campaign.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { MUTANTS } from "./mutants";

function measure(): string {
  return execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/mutate/check.ts"], {
    encoding: "utf8",
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

const baseline = measure();
const survivors: string[] = [];
let killed = 0;
for (const m of MUTANTS) {
  const original = readFileSync(m.file, "utf8");
  const at = original.indexOf(m.from);
  if (at < 0 || original.indexOf(m.from, at + 1) >= 0) {
    console.error(`${m.name}: the text to mutate is not in ${m.file} exactly once`);
    process.exit(2);
  }
  let result: string;
  try {
    writeFileSync(m.file, original.slice(0, at) + m.to + original.slice(at + m.from.length));
    try {
      result = measure();
    } catch {
      result = "the tree no longer runs";
    }
  } finally {
    writeFileSync(m.file, original);
  }
  if (result !== baseline) {
    killed++;
    console.log(`killed   ${m.name}`);
  } else {
    survivors.push(m.name);
    console.log(`SURVIVED ${m.name}`);
  }
}
const score = (100 * killed) / MUTANTS.length;
console.log(`mutation score: ${killed}/${MUTANTS.length} killed (${score.toFixed(1)} %)`);
if (survivors.length > 0) console.log(`survivors: ${survivors.join("; ")}`);
