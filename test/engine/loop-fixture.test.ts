// The differential loop gives, for fixed seeds, exactly the scenarios, outcomes, findings and minimized scenarios
// recorded in test/fixtures/loop-fixture.json: first from the tree before its speed-ups (commit 652b559), since then
// re-recorded by each change that means to alter them (a new op, check or signature, a changed distribution), and by
// nothing else: LOOP_FIXTURE_RECORD=1 npx vitest run test/engine/loop-fixture.test.ts
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { loopFixture, type LoopFixture } from "../support/loop-digest";

const FILE = join(__dirname, "..", "fixtures", "loop-fixture.json");

describe("the differential loop against its recorded fixture", () => {
  it("draws, runs, diffs and minimizes exactly as recorded", () => {
    const now = loopFixture();
    if (process.env.LOOP_FIXTURE_RECORD === "1") writeFileSync(FILE, `${JSON.stringify(now, null, 2)}\n`);
    const recorded = JSON.parse(readFileSync(FILE, "utf8")) as LoopFixture;
    expect(now.random).toEqual(recorded.random);
    expect(now.singleStep).toEqual(recorded.singleStep);
    expect(now.sweep).toEqual(recorded.sweep);
    expect(now.property).toEqual(recorded.property);
    expect(now.minimized).toEqual(recorded.minimized);
  }, 300_000);
});
