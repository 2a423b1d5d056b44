// `npm run mutate` stops at a mutant whose text is not in its file exactly once: each seeded bug must stay applicable.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MUTANTS } from "../../scripts/mutate/mutants";
import { getVariant } from "../../src/port/variants";

describe("the seeded bugs of npm run mutate", () => {
  it.each(MUTANTS.map((m) => [m.name, m] as const))("%s: its text is in its file exactly once", (_, m) => {
    const text = readFileSync(m.file, "utf8");
    expect(text.split(m.from).length - 1).toBe(1);
    expect(m.to).not.toBe(m.from);
  });

  it("the series files it mutates define functions the proposed tree runs", async () => {
    const proposed = Object.values(getVariant("proposed").tree);
    for (const m of MUTANTS.filter((x) => x.file.includes("/series/"))) {
      // A path known only at run time: the bundler is told not to resolve it.
      const mod = (await import(/* @vite-ignore */ `../../${m.file}`)) as Record<string, unknown>;
      const runs = Object.values(mod).some((v) => typeof v === "function" && proposed.includes(v));
      expect(runs, m.name).toBe(true);
    }
  });
});
