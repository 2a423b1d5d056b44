import { describe, expect, it } from "vitest";
import { GUEST_BACKING_BASE, Machine } from "../../src/cpu/machine";
import { PTE_NX, PTE_P, PTE_RW, PTE_US } from "../../src/cpu/walk";
import { pteBehaviour, worstBehaviour } from "../../src/diff/pte-semantics";
import { EPYC_9124, MATISSE, scenario } from "../port/fixtures";

const FULL = PTE_P | PTE_RW | PTE_US;

describe("pteBehaviour", () => {
  const m = new Machine(scenario({}));

  it("names what each access kind does through the PTE on each CPU", () => {
    expect(pteBehaviour(m, 0x5000n, 0n)).toBe("cpu0:read:not-present cpu0:write:not-present cpu0:fetch:not-present");
    const ro = (GUEST_BACKING_BASE + 0x5000n) | PTE_P | PTE_US | PTE_NX;
    expect(pteBehaviour(m, 0x5000n, ro)).toBe("cpu0:read:guest-ram@0x10005000 cpu0:write:denied cpu0:fetch:denied");
    expect(pteBehaviour(m, 0xf0000000n, FULL | (1n << 46n))).toBe("cpu0:read:rsv cpu0:write:rsv cpu0:fetch:rsv");
    expect(pteBehaviour(m, 0xf0000000n, FULL)).toBe(
      "cpu0:read:host-ram@0x0 cpu0:write:host-ram@0x0 cpu0:fetch:host-ram@0x0",
    );
  });

  it("walks with each CPU's own reserved bits", () => {
    // Bit 43 is an address bit on EPYC 9124 and reserved on Matisse (encryption active).
    const two = new Machine(scenario({ cpus: [EPYC_9124(), MATISSE()] }));
    expect(pteBehaviour(two, 0x0n, FULL | (1n << 43n)).split(" ")).toEqual([
      "cpu0:read:none@0x80000000000",
      "cpu0:write:none@0x80000000000",
      "cpu0:fetch:none@0x80000000000",
      "cpu1:read:rsv",
      "cpu1:write:rsv",
      "cpu1:fetch:rsv",
    ]);
  });

  it("does not depend on the PTE's ignored and accessed/dirty bits", () => {
    const pte = (GUEST_BACKING_BASE + 0x5000n) | FULL;
    expect(pteBehaviour(m, 0x5000n, pte | 0x60n | (1n << 52n))).toBe(pteBehaviour(m, 0x5000n, pte));
  });
});

describe("worstBehaviour", () => {
  it("ranks reaching host RAM worst, then no memory, guest RAM, not present, denied, reserved-bit faults", () => {
    const b = (...what: string[]) => what.map((w, i) => `cpu${i}:read:${w}`).join(" ");
    expect(worstBehaviour(b("rsv", "denied"))).toBe("denied");
    expect(worstBehaviour(b("rsv", "not-present", "denied"))).toBe("not-present");
    expect(worstBehaviour(b("not-present", "guest-ram@0x10000000"))).toBe("guest-ram");
    expect(worstBehaviour(b("guest-ram@0x10000000", "none@0x8000000000000"))).toBe("none");
    expect(worstBehaviour(b("none@0x8000000000000", "host-ram@0x0", "rsv"))).toBe("host-ram");
    expect(worstBehaviour(b("rsv"))).toBe("rsv");
  });
});

describe("pteBehaviour and the nested C-bit", () => {
  it("tells an entry with the C-bit (host-key encryption) from one without, on a CPU with memory encryption", () => {
    const m = new Machine(scenario({}));
    const hw = m.hardware[0]!;
    expect(hw.encryptionActive).toBe(true);
    const cBit = 1n << BigInt(hw.cBit);
    const plain = pteBehaviour(m, 0x0n, FULL);
    const encrypted = pteBehaviour(m, 0x0n, FULL | cBit);
    expect(encrypted).not.toBe(plain);
    expect(encrypted).toContain("+host-key");
    expect(worstBehaviour(encrypted)).toBe(worstBehaviour(plain));
  });
});
