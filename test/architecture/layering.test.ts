// The layers import downward only: cli → engine → diff → cpu/port/reference → scenario, with the store and the
// report beside them. This test reads the imports of every src/**/*.ts (type-only ones included) and names each
// import that goes the wrong way, as "importing file → imported module".
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative, resolve } from "path";
import { describe, expect, it } from "vitest";
import { importSpecifiers } from "../support/import-graph";

const ROOT = resolve(__dirname, "..", "..");

export interface Import {
  /** The importing file, relative to the project root (src/…/x.ts). */
  from: string;
  /** The imported module, relative to the root without extension (src/…/y, reference/z); packages are left out. */
  to: string;
}

/** `require("m")`, which importSpecifiers (import, export, import(), declare module) does not read. */
const REQUIRE = /\brequire\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : name.endsWith(".ts") ? [p] : [];
  });
}

/** A relative specifier as a root-relative module path: the file itself, or the folder's index. */
function moduleOf(file: string, spec: string): string {
  const target = resolve(dirname(file), spec);
  const path = existsSync(`${target}.ts`) || !existsSync(join(target, "index.ts")) ? target : join(target, "index");
  return relative(ROOT, path).split("\\").join("/");
}

export function importsOf(file: string, text = readFileSync(file, "utf8")): Import[] {
  const from = relative(ROOT, file).split("\\").join("/");
  // Comments may quote an import; they are not imports.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specs = [...importSpecifiers(code), ...[...code.matchAll(REQUIRE)].map((m) => m[1]!)];
  return specs.filter((spec) => spec.startsWith(".")).map((spec) => ({ from, to: moduleOf(file, spec) }));
}

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);

export const RULES: readonly { name: string; breaks(i: Import): boolean }[] = [
  {
    name: "only src/cli/ imports from src/cli/",
    breaks: (i) => under(i.from, "src") && !under(i.from, "src/cli") && under(i.to, "src/cli"),
  },
  {
    // impls.ts is the registry that loads every implementation (the port's variants and the reference).
    name: "src/store/ runs no implementation: no diff/run-pair, engine/, port/, reference/ or impls",
    breaks: (i) =>
      under(i.from, "src/store") &&
      (i.to === "src/diff/run-pair" ||
        i.to === "src/impls" ||
        under(i.to, "src/engine") ||
        under(i.to, "src/port") ||
        under(i.to, "reference")),
  },
  {
    name: "src/scenario/ imports nothing from src/cpu/",
    breaks: (i) => under(i.from, "src/scenario") && under(i.to, "src/cpu"),
  },
];

/** Every import that breaks a rule, as "rule: from → to". */
export function violations(imports: readonly Import[]): string[] {
  return RULES.flatMap((r) => imports.filter((i) => r.breaks(i)).map((i) => `${r.name}: ${i.from} → ${i.to}`));
}

const ALL = sourceFiles(join(ROOT, "src")).flatMap((f) => importsOf(f));

describe("layering", () => {
  it("reads the imports of the sources", () => {
    expect(ALL).toContainEqual({ from: "src/cli/main.ts", to: "src/cli/commands" });
    expect(ALL).toContainEqual({ from: "src/impls.ts", to: "reference/index" });
    // Lazy imports (the CLI loads each command's module as it runs) count too.
    expect(ALL).toContainEqual({ from: "src/cli/commands.ts", to: "src/cli/fuzz-command" });
  });

  it("has no import going up a layer", () => {
    expect(violations(ALL)).toEqual([]);
  });

  it("names each import that breaks a rule, type-only ones and re-exports included", () => {
    const file = (path: string, text: string) => importsOf(join(ROOT, path), text);
    const found = violations([
      ...file("src/report/summary.ts", 'import type { FuzzReport } from "../cli/fuzz-command";'),
      ...file("src/store/make-finding-file.ts", 'import { runPair } from "../diff/run-pair";'),
      ...file("src/store/expectations.ts", 'export { implementation } from "../impls";'),
      ...file("src/store/x.ts", 'import type { Basis } from "../../reference/basis";'),
      ...file("src/store/y.ts", 'const m = require("../engine/session");'),
      ...file(
        "src/scenario/validate.ts",
        '// import { hostRamNeeded } from "../cpu/machine";\nimport { x } from "../cpu/machine";',
      ),
      ...file("src/cli/main.ts", 'import { runFuzz } from "./fuzz-command";'),
      ...file("src/scenario/space/memory.ts", 'import { hostRamNeeded } from "../../cpu/machine";'),
    ]);
    expect(found).toEqual([
      "only src/cli/ imports from src/cli/: src/report/summary.ts → src/cli/fuzz-command",
      "src/store/ runs no implementation: no diff/run-pair, engine/, port/, reference/ or impls: src/store/make-finding-file.ts → src/diff/run-pair",
      "src/store/ runs no implementation: no diff/run-pair, engine/, port/, reference/ or impls: src/store/expectations.ts → src/impls",
      "src/store/ runs no implementation: no diff/run-pair, engine/, port/, reference/ or impls: src/store/x.ts → reference/basis",
      "src/store/ runs no implementation: no diff/run-pair, engine/, port/, reference/ or impls: src/store/y.ts → src/engine/session",
      "src/scenario/ imports nothing from src/cpu/: src/scenario/validate.ts → src/cpu/machine",
      "src/scenario/ imports nothing from src/cpu/: src/scenario/space/memory.ts → src/cpu/machine",
    ]);
  });
});
