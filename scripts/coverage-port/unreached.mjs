// Lists every branch of src/port/ and reference/ the coverage campaign did not reach, one per line
// (file:line: kind), from coverage-port/coverage-final.json, with the branch totals per directory.
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const data = JSON.parse(readFileSync("coverage-port/coverage-final.json", "utf8"));
const totals = new Map();
const lines = [];
for (const [file, cov] of Object.entries(data)) {
  const rel = relative(process.cwd(), file);
  const dir = rel.startsWith("reference/") ? "reference/" : "src/port/";
  const t = totals.get(dir) ?? { covered: 0, total: 0 };
  for (const [id, counts] of Object.entries(cov.b)) {
    const branch = cov.branchMap[id];
    counts.forEach((count, k) => {
      t.total++;
      if (count > 0) t.covered++;
      else lines.push(`${rel}:${branch.locations[k]?.start?.line ?? branch.loc.start.line}: ${branch.type} ${k}`);
    });
  }
  totals.set(dir, t);
}
for (const [dir, t] of [...totals].sort()) {
  console.log(`${dir} branches: ${t.covered}/${t.total} (${((100 * t.covered) / t.total).toFixed(2)} %)`);
}
console.log(`unreached branches (${lines.length}):`);
for (const l of lines.sort()) console.log(`  ${l}`);
