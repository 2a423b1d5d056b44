import { describe, expect, it } from "vitest";
import { importCycles, importGraph, importSpecifiers } from "../support/import-graph";

describe("the port's modules", () => {
  it("import each other without a cycle, type-only imports included", () => {
    const cycles = importCycles(importGraph("src/port")).map((cycle) => cycle.join(" -> "));
    expect(cycles, `import cycles in src/port:\n${cycles.join("\n")}`).toEqual([]);
  });

  it("keep the headers below the .c modules: no header-like module imports one named after a .c file", () => {
    const graph = importGraph("src/port");
    const headers = ["cpu_h.ts", "errno.ts", "psl.ts", "pvreg.ts", "specialreg.ts", "vmm_h.ts", "vmmvar.ts"];
    const functions = ["identcpu.ts", "kernel.ts", "vmm.ts", "vmm_machdep.ts", "hypervisor.ts"];
    for (const header of headers) {
      expect(graph.has(header), header).toBe(true);
      expect(
        graph.get(header)?.filter((target) => functions.includes(target)),
        header,
      ).toEqual([]);
    }
  });
});

describe("the import graph", () => {
  it("reads value, type-only and side-effect imports, re-exports, import() types and module augmentations", () => {
    const source = [
      'import { a, type b } from "./a";',
      'import type { c } from "../c";',
      'import "./side";',
      'export { d } from "./d";',
      'export type { e } from "./e";',
      'let f: import("./f").F;',
      'declare module "./g" {}',
      'import { readFileSync } from "fs";',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual(["./a", "../c", "./side", "./d", "./e", "./f", "./g"]);
  });

  it("names every cycle by the path that closes it", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(importCycles(graph)).toEqual([
      ["a.ts", "b.ts", "c.ts", "a.ts"],
      ["e.ts", "e.ts"],
    ]);
  });

  it("finds the cycle the port had: identcpu.ts and kernel.ts importing each other's types", () => {
    const graph = new Map([
      ["identcpu.ts", ["kernel.ts"]],
      ["kernel.ts", ["identcpu.ts"]],
    ]);
    expect(importCycles(graph)).toEqual([["identcpu.ts", "kernel.ts", "identcpu.ts"]]);
  });
});
