// Runs a Node program as if started directly and writes the process's CPU time (user + system, every thread) as a
// last line `{"cpuSeconds":N}` on stderr: `node dist/bench/cpu-time.js SCRIPT ARGS…`, or
// `… --cli ROOT ARGS…` for the compiled CLI of the tree at ROOT (dist/, never the sources: the bench measures
// what was built). On a machine other processes load, CPU time varies far less than wall time.
import { writeSync } from "fs";
import { join, resolve } from "path";

const [first, ...rest] = process.argv.slice(2);
if (!first || (first === "--cli" && !rest[0])) {
  console.error("usage: cpu-time SCRIPT [ARGS…] | --cli ROOT [ARGS…]");
  process.exit(2);
}
process.on("exit", () => {
  const u = process.cpuUsage();
  writeSync(2, `\n{"cpuSeconds":${(u.user + u.system) / 1e6}}\n`);
});
if (first === "--cli") {
  const main = join(resolve(rest[0]!), "dist", "src", "cli", "main.js");
  process.argv = [process.argv[0]!, main, ...rest.slice(1)];
  (require(main) as { runFromProcess(): void }).runFromProcess();
} else {
  process.argv = [process.argv[0]!, resolve(first), ...rest];
  require(resolve(first));
}
