import { describe, expect, it } from "vitest";
import { checkScenario } from "../../src/scenario/validate";
import type { MemRange, Scenario } from "../../src/scenario/types";
import { baseScenario } from "../support/scenarios";

function problem(s: Scenario): string {
  const p = checkScenario(s);
  return p ? `${p.path}: ${p.rule}` : "valid";
}

const ram = (gpa: bigint, size: bigint): MemRange => ({ gpa, size, type: "ram" });

describe("scenario validation", () => {
  it("accepts the base scenario", () => {
    expect(problem(baseScenario())).toBe("valid");
  });

  it("rejects more than 16 ranges", () => {
    const memory = Array.from({ length: 17 }, (_, i) => ram(BigInt(i) * 0x2000n, 0x1000n));
    expect(problem(baseScenario({ memory }))).toBe("memory: needs 1 to 16 ranges (VMM_MAX_MEM_RANGES)");
  });

  it("rejects an empty memory map", () => {
    expect(problem(baseScenario({ memory: [] }))).toBe("memory: needs 1 to 16 ranges (VMM_MAX_MEM_RANGES)");
  });

  it("rejects unaligned range addresses and sizes", () => {
    expect(problem(baseScenario({ memory: [ram(0x10n, 0x1000n)] }))).toBe(
      "memory[0].gpa: must be page aligned (0x1000)",
    );
    expect(problem(baseScenario({ memory: [ram(0n, 0x1800n)] }))).toBe("memory[0].size: must be page aligned (0x1000)");
  });

  it("rejects a zero-sized range", () => {
    expect(problem(baseScenario({ memory: [ram(0n, 0n)] }))).toBe("memory[0].size: must not be 0");
  });

  it("rejects ranges beyond 128 GiB", () => {
    expect(problem(baseScenario({ memory: [ram(128n << 30n, 0x1000n)] }))).toBe(
      "memory[0].gpa: must be below 128 GiB (VMM_MAX_VM_MEM_SIZE)",
    );
    expect(problem(baseScenario({ memory: [ram((128n << 30n) - 0x1000n, 0x2000n)] }))).toBe(
      "memory[0].size: range must end at or below 128 GiB (VMM_MAX_VM_MEM_SIZE)",
    );
  });

  it("rejects overlapping and descending ranges with the JSON path", () => {
    const overlap = [ram(0n, 0x2000n), ram(0x1000n, 0x1000n)];
    expect(problem(baseScenario({ memory: overlap }))).toBe(
      "memory[1].gpa: ranges must be ascending and non-overlapping",
    );
    const descending = [ram(0x10000n, 0x1000n), ram(0n, 0x1000n)];
    expect(problem(baseScenario({ memory: descending }))).toBe(
      "memory[1].gpa: ranges must be ascending and non-overlapping",
    );
  });

  it("accepts adjacent ranges", () => {
    expect(problem(baseScenario({ memory: [ram(0n, 0x1000n), ram(0x1000n, 0x1000n)], steps: [] }))).toBe("valid");
  });

  it("rejects a map of MMIO only", () => {
    const memory: MemRange[] = [{ gpa: 0n, size: 0x1000n, type: "mmio" }];
    expect(problem(baseScenario({ memory }))).toBe(
      "memory: needs at least one ram or reserved range (MMIO maps no memory)",
    );
  });

  it("skips the range rules of a map flagged invalidMemory", () => {
    const memory = [ram(0x10000n, 0x1000n), ram(0n, 0x1000n)];
    expect(problem(baseScenario({ memory, invalidMemory: true, steps: [] }))).toBe("valid");
  });

  it("rejects a host too small for the guest memory", () => {
    const s = baseScenario();
    s.host.ramBytes = 0x1000n;
    expect(problem(s)).toMatch(
      /^host\.ramBytes: host RAM must hold the guest memory above its backing base: at least 0x1009f000$/,
    );
  });

  it("rejects an SEV-ES guest that is not SEV", () => {
    expect(problem(baseScenario({ guest: { sev: false, sevEs: true } }))).toBe(
      "guest.sevEs: an SEV-ES guest is an SEV guest: sev must be true",
    );
  });

  it("rejects GHCB and MMIO NAE steps for guests without SEV-ES", () => {
    expect(problem(baseScenario({ guest: { sev: true, sevEs: false } }))).toBe(
      'steps[1].op: "mmio-nae" needs an SEV-ES guest (guest.sevEs)',
    );
    const s = baseScenario({ guest: { sev: false, sevEs: false }, steps: [{ op: "ghcb", gpa: 0x1000n }] });
    expect(problem(s)).toBe('steps[0].op: "ghcb" needs an SEV-ES guest (guest.sevEs)');
  });

  it("rejects a step on a CPU the host does not have", () => {
    const s = baseScenario({ steps: [{ op: "access", gpa: 0n, kind: "read", size: 1, cpu: 1 }] });
    expect(problem(s)).toBe("steps[0].cpu: names host CPU 1, but host.cpus has 1");
  });

  it("rejects an access that crosses a page boundary", () => {
    const s = baseScenario({ steps: [{ op: "access", gpa: 0xffcn, kind: "read", size: 8 }] });
    expect(problem(s)).toBe("steps[0].gpa: an access must not cross a page boundary");
  });
});
