// The hardware what-if host.reductionReserved: whether the PhysAddrReduction window faults as reserved bits.
import { describe, expect, it } from "vitest";
import { hardwareOf } from "../../src/cpu/hardware";
import { runScenario } from "../../src/cpu/vcpu";
import { runPair } from "../../src/diff/run-pair";
import { implementation } from "../../src/impls";
import { EPYC_9124, MMIO_BAR, kinds, scenario } from "../port/fixtures";
import { referenceFactory } from "../../reference";

const mmioRead = scenario({ steps: [{ op: "access", gpa: MMIO_BAR, kind: "read", size: 4 }] });
const whatIf = { ...mmioRead, host: { ...mmioRead.host, reductionReserved: false } };

describe("host.reductionReserved", () => {
  it("by default (as the APM says) the window is reserved; switched off its bits are address bits", () => {
    const on = hardwareOf(EPYC_9124(), true, 1n << 36n);
    const off = hardwareOf(EPYC_9124(), true, 1n << 36n, false);
    expect(on.reservedMask & (0x1fn << 46n)).toBe(0x1fn << 46n);
    expect(off.reservedMask & (0x1fn << 46n)).toBe(0n);
    expect(off.frameMask & (0x1fn << 46n)).toBe(0x1fn << 46n);
    expect(off.reduction).toBe(on.reduction);
  });

  it("changes what the reference's MMIO entry does: #VC with the APM; without, a denied entry the access never gets past", () => {
    const observed = runScenario(mmioRead, referenceFactory).steps[0]!.events.filter((e) => e.kind !== "rule");
    expect(kinds(observed)).toEqual(["npf-exit", "resume", "vc"]);
    const off = runScenario(whatIf, referenceFactory).steps[0]!.events;
    expect(off.at(-1)).toMatchObject({ kind: "no-progress" });
  });

  it("marks every finding it takes part in, so a reviewer sees which depend on it", () => {
    const found = runPair(whatIf, implementation("proposed"), implementation("reference")).findings;
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.signature.endsWith("|what-if:reduction-not-reserved"))).toBe(true);
    const plain = runPair(mmioRead, implementation("proposed"), implementation("reference")).findings;
    expect(plain.some((f) => f.signature.includes("what-if"))).toBe(false);
  });
});
