import { describe, expect, it } from "vitest";
import {
  EMPTY_GHCB,
  GHCB_REQUEST_CPUID,
  GUEST_BACKING_BASE,
  HostCrash,
  hostRamNeeded,
  Machine,
  VMD_VA_BASE,
} from "../../src/cpu/machine";
import { hardwareOf } from "../../src/cpu/hardware";
import type { MemRange } from "../../src/scenario/types";
import { amdCpu, EPYC_9124, MATISSE, PLAIN, scenario, SEV_ES, VMD_MAP } from "../port/fixtures";
import { SEV_ONLY } from "../reference/fixtures";

// VMD_MAP: ram [0, 0xa0000), reserved [0xa0000, 0x100000), ram [0x100000, 0x10000000), mmio [0xf0000000, +0xfc00000),
// reserved [0xffc00000, +0x400000).
const machine = () => new Machine(scenario({}));

describe("guest memory backing", () => {
  it("starts at GUEST_BACKING_BASE, never at host frame 0", () => {
    expect(GUEST_BACKING_BASE).not.toBe(0n);
    expect(machine().backingOf(0x0n)).toBe(GUEST_BACKING_BASE);
  });

  it("is contiguous over the non-MMIO ranges, in map order, skipping MMIO", () => {
    const m = machine();
    expect(m.backingOf(0xa0000n)).toBe(GUEST_BACKING_BASE + 0xa0000n);
    expect(m.backingOf(0x100000n)).toBe(GUEST_BACKING_BASE + 0x100000n);
    expect(m.backingOf(0xfffffffn)).toBe(GUEST_BACKING_BASE + 0xfffffffn);
    // The reserved range after the MMIO window follows the RAM directly: MMIO takes no host memory.
    expect(m.backingOf(0xffc00000n)).toBe(GUEST_BACKING_BASE + 0x10000000n);
  });

  it("backs neither MMIO nor the gaps between ranges", () => {
    const m = machine();
    expect(m.backingOf(0xf0000010n)).toBeNull();
    expect(m.backingOf(0x80000000n)).toBeNull();
    expect(m.backingOf(0x100000000n)).toBeNull();
  });

  it("packs ranges with gaps between them back to back", () => {
    const memory: MemRange[] = [
      { gpa: 0x10000n, size: 0x2000n, type: "ram" },
      { gpa: 0x40000n, size: 0x1000n, type: "mmio" },
      { gpa: 0x80000n, size: 0x3000n, type: "reserved" },
    ];
    const m = new Machine(scenario({ memory }));
    expect(m.backingOf(0x10000n)).toBe(GUEST_BACKING_BASE);
    expect(m.backingOf(0x80000n)).toBe(GUEST_BACKING_BASE + 0x2000n);
    expect(m.backingOf(0x82fffn)).toBe(GUEST_BACKING_BASE + 0x4fffn);
    expect(m.backingOf(0x83000n)).toBeNull();
  });

  it("is the same for two machines of the same scenario", () => {
    const a = machine();
    const b = machine();
    for (const gpa of [0x0n, 0x1234n, 0xa0000n, 0x5000000n, 0xffc01000n])
      expect(a.backingOf(gpa)).toBe(b.backingOf(gpa));
  });
});

describe("vmd's virtual addresses", () => {
  it("lay every range, MMIO included, one after the other from VMD_VA_BASE", () => {
    const m = machine();
    let va = VMD_VA_BASE;
    VMD_MAP.forEach((r, i) => {
      expect(m.vmdVa(i)).toBe(va);
      expect(m.vmdVa(i) & 0xfffn).toBe(0n);
      va += r.size;
    });
  });

  it("throw for a range that does not exist", () => {
    expect(() => machine().vmdVa(VMD_MAP.length)).toThrow(/no memory range/);
  });

  it("translate to the frame backing the same GPA", () => {
    const m = machine();
    VMD_MAP.forEach((r, i) => {
      if (r.type === "mmio") return;
      expect(m.vmdVaToPa(m.vmdVa(i))).toBe(m.backingOf(r.gpa));
      expect(m.vmdVaToPa(m.vmdVa(i) + r.size - 1n)).toBe(m.backingOf(r.gpa + r.size - 1n));
    });
  });

  it("translate to nothing inside an MMIO range, below the base or past the last range", () => {
    const m = machine();
    expect(m.vmdVaToPa(m.vmdVa(3))).toBeNull();
    expect(m.vmdVaToPa(VMD_VA_BASE - 1n)).toBeNull();
    const last = VMD_MAP.length - 1;
    expect(m.vmdVaToPa(m.vmdVa(last) + VMD_MAP[last]!.size)).toBeNull();
  });
});

describe("classify", () => {
  it("calls the frames backing the guest guest-ram", () => {
    const m = machine();
    expect(m.classify(GUEST_BACKING_BASE)).toBe("guest-ram");
    expect(m.classify(m.backingOf(0xffffffffn)!)).toBe("guest-ram");
  });

  it("calls other addresses below ramBytes host-ram, including frame 0", () => {
    const m = machine();
    expect(m.classify(0n)).toBe("host-ram");
    expect(m.classify(GUEST_BACKING_BASE - 1n)).toBe("host-ram");
    const top = m.backingOf(0xffffffffn)! + 1n;
    expect(m.classify(top)).toBe("host-ram");
    expect(m.classify(0x1000000000n - 1n)).toBe("host-ram");
  });

  it("calls addresses at or above ramBytes none", () => {
    const m = machine();
    expect(m.classify(0x1000000000n)).toBe("none");
    expect(m.classify(0x000fc00000000000n)).toBe("none");
  });
});

describe("directMapAccess", () => {
  it("records a host-access event with what lies at the address", () => {
    const m = machine();
    expect(m.directMapAccess(GUEST_BACKING_BASE, true, "pvclock")).toBe("guest-ram");
    expect(m.directMapAccess(0x1000n, false, "ghcb")).toBe("host-ram");
    expect(m.events).toEqual([
      { kind: "host-access", pa: GUEST_BACKING_BASE, memory: "guest-ram", write: true, purpose: "pvclock" },
      { kind: "host-access", pa: 0x1000n, memory: "host-ram", write: false, purpose: "ghcb" },
    ]);
  });

  it("throws HostCrash for an address with no memory, after recording the access", () => {
    const m = machine();
    const pa = 0x000fc00000000010n;
    let thrown: unknown;
    try {
      m.directMapAccess(pa, true, "pvclock");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HostCrash);
    expect((thrown as HostCrash).reason).toContain("0xfc00000000010");
    expect(m.events).toEqual([{ kind: "host-access", pa, memory: "none", write: true, purpose: "pvclock" }]);
  });
});

describe("the GHCB seen by the host", () => {
  const request = { swExitCode: GHCB_REQUEST_CPUID, swExitInfo1: 1n, swExitInfo2: 2n, swScratch: 0n };

  it("reads the guest's request at any offset of the frame backing the guest's GHCB page", () => {
    const m = machine();
    m.guestGhcb = { gpa: 0x1000n, request };
    const page = m.backingOf(0x1000n)!;
    expect(m.readGhcb(page)).toBe(request);
    expect(m.readGhcb(page + 0xff8n)).toBe(request);
    expect(m.events.map((e) => e.kind)).toEqual(["host-access", "host-access"]);
  });

  it("finds the page of a GHCB GPA that is not page aligned", () => {
    const m = machine();
    m.guestGhcb = { gpa: 0x1010n, request };
    expect(m.readGhcb(m.backingOf(0x1000n)!)).toBe(request);
  });

  it("reads zeros anywhere else: another guest page, host RAM, or with no GHCB registered", () => {
    const m = machine();
    expect(m.readGhcb(m.backingOf(0x1000n)!)).toEqual(EMPTY_GHCB);
    m.guestGhcb = { gpa: 0x1000n, request };
    expect(m.readGhcb(m.backingOf(0x2000n)!)).toEqual(EMPTY_GHCB);
    expect(m.readGhcb(0x1000n)).toEqual(EMPTY_GHCB);
  });

  it("reads zeros when the GHCB GPA has no backing (MMIO)", () => {
    const m = machine();
    m.guestGhcb = { gpa: 0xf0001000n, request };
    expect(m.readGhcb(0x0n)).toEqual(EMPTY_GHCB);
  });

  it("crashes the host reading or writing a GHCB where there is no memory", () => {
    const m = machine();
    expect(() => m.readGhcb(0x000fc00000000000n)).toThrow(HostCrash);
    expect(() => m.writeGhcb(0x000fc00000000000n)).toThrow(HostCrash);
  });

  it("records the host's answer as a direct-map write", () => {
    const m = machine();
    m.writeGhcb(GUEST_BACKING_BASE + 0x1000n);
    expect(m.events).toEqual([
      { kind: "host-access", pa: GUEST_BACKING_BASE + 0x1000n, memory: "guest-ram", write: true, purpose: "ghcb" },
    ]);
  });
});

describe("pspLaunchStart", () => {
  it("launches SEV and SEV-ES guests on a boot CPU with encryption active and both features", () => {
    const m = machine();
    expect(m.pspLaunchStart(false)).toBe(true);
    expect(m.pspLaunchStart(true)).toBe(true);
  });

  it("refuses everything when memory encryption is off", () => {
    const m = new Machine(scenario({ memEncrypt: false }));
    expect(m.pspLaunchStart(false)).toBe(false);
    expect(m.pspLaunchStart(true)).toBe(false);
  });

  it("refuses SEV-ES, not SEV, on a CPU without SEV-ES", () => {
    const m = new Machine(scenario({ cpus: [SEV_ONLY] }));
    expect(m.pspLaunchStart(false)).toBe(true);
    expect(m.pspLaunchStart(true)).toBe(false);
  });

  it("refuses when the firmware kept encryption off because the C-bit aliases RAM", () => {
    const m = new Machine(scenario({ cpus: [amdCpu({ cbit: 20, red: 5 })] }));
    expect(m.pspLaunchStart(false)).toBe(false);
  });

  it("asks only the boot CPU", () => {
    const noSev = amdCpu({ sevEax: 0x1, cbit: 47, red: 5 });
    expect(new Machine(scenario({ cpus: [EPYC_9124(), noSev] })).pspLaunchStart(true)).toBe(true);
    expect(new Machine(scenario({ cpus: [noSev, EPYC_9124()] })).pspLaunchStart(false)).toBe(false);
  });
});

describe("sevEsActive", () => {
  it("needs the VMCB's SEV-ES enable, encryption active and SEV-ES on that CPU", () => {
    const m = new Machine(scenario({ cpus: [EPYC_9124(), SEV_ONLY, MATISSE()], guest: SEV_ES }));
    expect(m.sevEsActive(true, 0)).toBe(true);
    expect(m.sevEsActive(false, 0)).toBe(false);
    expect(m.sevEsActive(true, 1)).toBe(false);
    expect(m.sevEsActive(true, 2)).toBe(true);
    expect(m.sevEsActive(true, 3)).toBe(false);
  });

  it("is false everywhere with encryption off", () => {
    const m = new Machine(scenario({ memEncrypt: false, guest: PLAIN }));
    expect(m.sevEsActive(true, 0)).toBe(false);
  });
});

describe("CPUID and SYSCFG as the machine reports them", () => {
  it("reads a leaf the scenario holds, and zeros for one it does not", () => {
    const m = machine();
    expect(m.cpuid(0, 0x80000008).eax).toBe(0x3034);
    expect(m.cpuid(0, 0x80000005)).toEqual({ eax: 0, ebx: 0, ecx: 0, edx: 0 });
    expect(m.cpuid(7, 0x80000008)).toEqual({ eax: 0, ebx: 0, ecx: 0, edx: 0 });
    expect(m.vendor(0)).toBe("AuthenticAMD");
    expect(m.vendor(7)).toBe("");
  });

  it("reports SYSCFG.MemEncryptionModEn per CPU as the firmware left it", () => {
    const m = new Machine(scenario({ cpus: [EPYC_9124(), amdCpu({ sevEax: 0xa, cbit: 47, red: 5 })] }));
    expect(m.syscfgMemEncryptionModEn(0)).toBe(true);
    expect(m.syscfgMemEncryptionModEn(1)).toBe(false);
    expect(m.syscfgMemEncryptionModEn(2)).toBe(false);
  });
});

describe("each CPU's hardware", () => {
  it("is hardwareOf that CPU with the scenario's SYSCFG request and RAM size", () => {
    const cpu = MATISSE();
    const on = new Machine(scenario({ cpus: [cpu, EPYC_9124()] }));
    expect(on.hardware[0]).toEqual(hardwareOf(cpu, true, 0x1000000000n));
    expect(on.hardware[1]).toEqual(hardwareOf(EPYC_9124(), true, 0x1000000000n));
  });

  it("follows memEncrypt and ramBytes for the same CPU object", () => {
    const cpu = MATISSE();
    const on = new Machine(scenario({ cpus: [cpu] }));
    const off = new Machine(scenario({ cpus: [cpu], memEncrypt: false }));
    expect(on.hardware[0]!.encryptionActive).toBe(true);
    expect(off.hardware[0]!.encryptionActive).toBe(false);
    expect(off.hardware[0]).toEqual(hardwareOf(cpu, false, 0x1000000000n));
    // With 2^48 bytes of RAM the C-bit (47) is an address bit RAM uses: the firmware keeps encryption off.
    const big = new Machine(scenario({ cpus: [cpu], ramBytes: 1n << 48n }));
    expect(big.hardware[0]!.encryptionActive).toBe(false);
  });
});

describe("the host RAM check", () => {
  const memory: MemRange[] = [
    { gpa: 0x0n, size: 0x100000n, type: "ram" },
    { gpa: 0xf0000000n, size: 0x10000000n, type: "mmio" },
  ];

  it("needs RAM for the backing base plus every non-MMIO range", () => {
    expect(hostRamNeeded(memory)).toBe(GUEST_BACKING_BASE + 0x100000n);
  });

  it("accepts host RAM that ends exactly at the last backing frame", () => {
    expect(() => new Machine(scenario({ memory, ramBytes: GUEST_BACKING_BASE + 0x100000n }))).not.toThrow();
  });

  it("rejects host RAM one page too small", () => {
    expect(() => new Machine(scenario({ memory, ramBytes: GUEST_BACKING_BASE + 0xff000n }))).toThrow(
      /host RAM too small/,
    );
  });
});
