import { describe, expect, it } from "vitest";
import type { Event } from "../../src/cpu/events";
import { kindsOf, observable, observe, sameObserved } from "../../src/diff/observable";

describe("observe: what the guest, vmd and the host machine see", () => {
  it("drops exits the host handles in the kernel and resumes, and the port's undefined behaviour", () => {
    const hidden: Event[] = [
      { kind: "npf-exit", gpa: 0xf0000010n, errorCode: 0x100000004n },
      { kind: "vmgexit", ghcbGpa: 0x1000n },
      { kind: "resume" },
      { kind: "ub", site: "pmap_enter", detail: "shift by 64" },
    ];
    for (const e of hidden) expect(observe(e)).toBeNull();
  });

  it("drops the host touching the guest's own memory (its GHCB or pvclock page): that is its job", () => {
    expect(observe({ kind: "host-access", pa: 0x10001000n, memory: "guest-ram", write: true, purpose: "ghcb" })).toBe(
      null,
    );
  });

  it("keeps the host touching other host memory, with purpose, direction, memory and address", () => {
    expect(observe({ kind: "host-access", pa: 0x2000n, memory: "host-ram", write: false, purpose: "ghcb" })).toEqual({
      kind: "host-access:ghcb:read:host-ram",
      address: 0x2000n,
    });
    expect(observe({ kind: "host-access", pa: 1n << 51n, memory: "none", write: true, purpose: "pvclock" })).toEqual({
      kind: "host-access:pvclock:write:none",
      address: 1n << 51n,
    });
  });

  it("keeps #VC with its code in hex, exits to vmd with their reason and whether bytes came along", () => {
    expect(observe({ kind: "vc", code: 0x400 })).toEqual({ kind: "vc:0x400" });
    expect(
      observe({
        kind: "vmd-exit",
        reason: "mmio-assist",
        gpa: 0xf0000010n,
        insnBytes: true,
        insnLength: 0,
        size: 0n,
        write: false,
        dataGpa: 0n,
      }),
    ).toEqual({
      kind: "vmd-exit:mmio-assist:bytes",
    });
    expect(
      observe({
        kind: "vmd-exit",
        reason: "mmio-nae",
        gpa: 0xf0000010n,
        insnBytes: false,
        insnLength: 0,
        size: 0n,
        write: false,
        dataGpa: 0n,
      }),
    ).toEqual({
      kind: "vmd-exit:mmio-nae",
    });
  });

  it("keeps the VM stopping, GHCB errors, host crashes and no-progress without their particulars", () => {
    expect(observe({ kind: "vm-error", errno: 14 })).toEqual({ kind: "vm-error" });
    expect(observe({ kind: "ghcb-error", exitinfo1: 2n, exitinfo2: 6n })).toEqual({ kind: "ghcb-error" });
    expect(observe({ kind: "host-crash", reason: "kernel fault at 0x1234" })).toEqual({ kind: "host-crash" });
    expect(observe({ kind: "no-progress", exits: 4 })).toEqual({ kind: "no-progress" });
  });

  it("keeps where a guest access landed, with the host address", () => {
    expect(observe({ kind: "guest-access", hpa: 0x10n, memory: "host-ram", write: false })).toEqual({
      kind: "guest-access:host-ram",
      address: 0x10n,
    });
  });
});

describe("observable, sameObserved and kindsOf", () => {
  const events: Event[] = [
    { kind: "npf-exit", gpa: 0x1000n, errorCode: 4n },
    { kind: "resume" },
    { kind: "guest-access", hpa: 0x10001000n, memory: "guest-ram", write: false },
  ];

  it("keeps the observable events in order", () => {
    expect(observable(events)).toEqual([{ kind: "guest-access:guest-ram", address: 0x10001000n }]);
    expect(observable([])).toEqual([]);
  });

  it("calls two steps the same when only unobservable exits differ", () => {
    expect(sameObserved(observable(events), observable(events.slice(2)))).toBe(true);
  });

  it("tells apart the same kind at a different address, and lists of different length", () => {
    const other = [{ kind: "guest-access:guest-ram", address: 0x10002000n }];
    expect(sameObserved(observable(events), other)).toBe(false);
    expect(sameObserved(observable(events), [])).toBe(false);
    expect(sameObserved([{ kind: "vc:0x400" }], [{ kind: "vc:0x400" }, { kind: "vc:0x400" }])).toBe(false);
  });

  it("joins kinds with consecutive repeats collapsed, and says nothing for none", () => {
    expect(kindsOf([])).toBe("nothing");
    expect(
      kindsOf([
        { kind: "host-access:ghcb:read:host-ram", address: 1n },
        { kind: "host-access:ghcb:read:host-ram", address: 2n },
        { kind: "vc:0x400" },
        { kind: "host-access:ghcb:read:host-ram", address: 3n },
      ]),
    ).toBe("host-access:ghcb:read:host-ram,vc:0x400,host-access:ghcb:read:host-ram");
  });
});
