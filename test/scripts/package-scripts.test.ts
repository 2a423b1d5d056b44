// Every file an npm script names is in the repository (a .gitignore pattern once hid scripts/coverage-port/).
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
const tracked = new Set(execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n"));

describe("npm scripts", () => {
  it.each(Object.entries(scripts))("%s names only files git tracks", (_name, command) => {
    const files = command.match(/[\w./-]+\.(?:m?ts|mjs|js|sh|mts)\b/g) ?? [];
    for (const f of files.filter((x) => !x.startsWith("dist/"))) {
      expect(existsSync(f), f).toBe(true);
      expect(tracked.has(f), `${f} is not tracked by git`).toBe(true);
    }
  });

  it("the coverage campaign's files are tracked", () => {
    for (const f of ["scripts/coverage-port/campaign.cov.ts", "scripts/coverage-port/unreached.mjs"]) {
      expect(tracked.has(f), f).toBe(true);
    }
  });
});
