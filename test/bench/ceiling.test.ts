import { describe, expect, it } from "vitest";
import { ceilingWords } from "../../bench/compare";
import { PARTS, type Part, type Split } from "../../bench/profile-split";

function split(seconds: number, shares: Partial<Record<Part, number>>): Split {
  const share = Object.fromEntries(PARTS.map((p) => [p, shares[p] ?? 0])) as Record<Part, number>;
  return { seconds, share, top: [] };
}

describe("ceilingWords", () => {
  it("bounds any loop around today's A and B by the base's time over theirs", () => {
    // Base 10 s; today 6 s, of which A+B 2 s: at most 5×; a 5× loop (2 s) leaves the rest no time.
    const words = ceilingWords("base", split(10, { A: 0.5 }), split(6, { A: 0.25, B: 1 / 12 }));
    expect(words).toContain("A+B alone take 2.00 s of the working tree's 6.00 s");
    expect(words).toContain("more than 5.00× faster than base's");
    expect(words).toContain("leaves the rest no time (today 4.00 s)");
  });

  it("says what the rest of the loop must shrink to when A and B leave room", () => {
    const words = ceilingWords("base", split(20, { A: 0.5 }), split(8, { A: 0.125 }));
    expect(words).toContain("more than 20.00× faster");
    expect(words).toContain("leaves the rest 3.00 s (today 7.00 s)");
  });
});
