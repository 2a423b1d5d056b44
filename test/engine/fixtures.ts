// Small hand-written hypervisors for the engine's tests, independent of the port and the reference: one maps
// RAM and sends MMIO to vmd, another maps MMIO pages to host frame 0 (a host-memory exposure).
import type { Disposition, Hypervisor, HypervisorFactory, VmExit } from "../../src/cpu/hypervisor";
import { SVM_VMEXIT_NPF } from "../../src/cpu/hypervisor";
import type { Machine } from "../../src/cpu/machine";
import type { Implementation } from "../../src/diff/run-pair";
import type { Scenario } from "../../src/scenario/types";

const PTE_URWP = 0x7n;

function fake(name: string, mmio: "vmd" | "frame0", ramFlags = 0n): HypervisorFactory {
  return (machine: Machine, scenario: Scenario): Hypervisor => {
    const npt = new Map<bigint, bigint>();
    const isMmio = (gpa: bigint) =>
      scenario.memory.some((r) => r.type === "mmio" && gpa >= r.gpa && gpa < r.gpa + r.size);
    return {
      name,
      npt,
      createVm: () => 0,
      vcpuSevEs: () => scenario.guest.sevEs,
      handleExit(exit: VmExit): Disposition {
        if (exit.code !== SVM_VMEXIT_NPF) return { kind: "resume" };
        const gpa = exit.exitinfo2;
        const page = gpa & ~0xfffn;
        const backing = machine.backingOf(page);
        if (backing !== null) {
          npt.set(page, backing | PTE_URWP | ramFlags);
          return { kind: "resume" };
        }
        if (!isMmio(gpa)) return { kind: "error", errno: 14 };
        if (mmio === "vmd")
          return {
            kind: "vmd",
            reason: "mmio-assist",
            gpa,
            insnBytes: false,
            insnLength: 0,
            size: 0n,
            write: false,
            dataGpa: 0n,
          };
        npt.set(page, PTE_URWP);
        return { kind: "resume" };
      },
      pvclock: () => ({ kind: "resume" }),
      wallclock: () => ({ kind: "resume" }),
      vmdPvclock: () => ({ kind: "resume" }),
    };
  };
}

export const GOOD: Implementation = { name: "good", factory: fake("good", "vmd") };
export const LEAKY: Implementation = { name: "leaky", factory: fake("leaky", "frame0") };
/** Like GOOD, with the accessed bit set in RAM entries: the PTEs differ in bits only. */
/** Sets a software-available PTE bit (AVL, bit 9) on RAM entries: the PTEs differ in bits only. */
export const AVL_BIT: Implementation = { name: "avl-bit", factory: fake("avl-bit", "vmd", 0x200n) };

/** The signature LEAKY gives against GOOD on an MMIO access of a guest of kind `kind`. */
export const leakSignature = (kind: string) => `host-memory-exposure|A|guest-access:host-ram|mmio|${kind}`;
