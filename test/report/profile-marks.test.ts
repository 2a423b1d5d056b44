import { describe, expect, it } from "vitest";
import { marksOnPanel, profileMarks } from "../../src/report/profile-marks";

const byName = () => new Map(profileMarks().map((m) => [m.name, m]));

describe("profile marks", () => {
  it("decodes PhysAddrSize, PhysAddrReduction and the C-bit placement from each profile's CPUID", () => {
    const m = byName();
    expect(m.get("epyc-9124")).toMatchObject({ physAddrSize: 52, reduction: 6, cBit: 51, placement: "window-upper" });
    expect(m.get("milan")).toMatchObject({ physAddrSize: 48, reduction: 5, cBit: 51, placement: "above-window" });
    expect(m.get("qemu-sev-guest")).toMatchObject({ physAddrSize: 48, reduction: 1, placement: "window-bottom" });
  });

  it("puts a profile only on the guest kinds and memEncrypt settings its CPUID allows", () => {
    const m = byName();
    expect(m.get("zen1-naples")!.kinds).toEqual(["plain", "sev"]);
    expect(m.get("qemu-sev-guest")!.memEncrypt).toEqual([false]);
    const all = profileMarks();
    expect(marksOnPanel(all, "sev-es", true, "window-bottom")).toEqual([]);
    expect(marksOnPanel(all, "sev-es", false, "window-bottom").map((x) => x.name)).toEqual(["qemu-sev-guest"]);
    expect(marksOnPanel(all, "sev-es", true, "window-upper").map((x) => x.name)).not.toContain("zen1-naples");
  });
});
