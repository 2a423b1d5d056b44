// The import graph of a folder of TypeScript modules, read with a regular expression over the module specifiers (so
// type-only imports, re-exports and module augmentations count as edges, as they do for the reader), and its cycles.
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative, resolve } from "path";

/** Module (path relative to the root) -> the modules of the same root it imports. */
export type ImportGraph = Map<string, string[]>;

// `import … from "x"`, `import "x"`, `export … from "x"`, `import("x")`, `declare module "x"`.
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\bdeclare\s+module\s+["']([^"']+)["']/g;

/** The relative module specifiers `source` names. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec !== undefined && spec.startsWith(".")) out.push(spec);
  }
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return tsFiles(path);
      return name.endsWith(".ts") ? [path] : [];
    });
}

function resolveModule(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, "index.ts")].find((path) => existsSync(path));
}

/** The import graph of every `.ts` file under `root`; edges leaving `root` are dropped. */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const absRoot = resolve(root);
  for (const file of tsFiles(absRoot)) {
    const targets = importSpecifiers(readFileSync(file, "utf8"))
      .map((spec) => resolveModule(file, spec))
      .filter((path): path is string => path !== undefined && !relative(absRoot, path).startsWith(".."))
      .map((path) => relative(absRoot, path));
    graph.set(relative(absRoot, file), [...new Set(targets)].sort());
  }
  return graph;
}

/** The cycles a depth-first search meets (at least one whenever the graph has any), each as the path that closes it. */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}
