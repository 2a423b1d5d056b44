// Small scenarios and kernels for the port's tests: CPU profiles from the thread and domain.md §4, a vmd-like map.
import { Machine } from "../../src/cpu/machine";
import type { Event } from "../../src/cpu/events";
import { CContext } from "../../src/port/c";
import { cpu_set_vendor, CPUID, new_cpu_info } from "../../src/port/identcpu";
import { newGlobals, type Kernel, type Tree } from "../../src/port/kernel";
import { pmap_bootstrap_env, pmap_create, PMAP_TYPE_RVI } from "../../src/port/pmap";
import { VM_MEM_MMIO, VM_MEM_RAM, VM_MEM_RESERVED, type vm, type vm_mem_range } from "../../src/port/vmm_h";
import type { vcpu } from "../../src/port/vmmvar";
import { new_vcpu } from "../../src/port/vmm_machdep";
import { prePatch } from "../../src/port/variants/pre-patch";
import type { CpuidRegs, CpuidTable, GuestConfig, HostCpu, MemRange, Scenario, Step } from "../../src/scenario/types";

export function leaf(eax = 0, ebx = 0, ecx = 0, edx = 0): CpuidRegs {
  return { eax, ebx, ecx, edx };
}

/** An AMD CPU: max extended leaf, 0x80000008 EAX, and 0x8000001F EAX..EDX. */
export function amdCpu(opts: {
  maxExt?: number;
  addrSizes?: number;
  sevEax?: number;
  cbit: number;
  red: number;
  ecx?: number;
  minNoEsAsid?: number;
  vendor?: string;
}): HostCpu {
  const cpuid: CpuidTable = new Map([
    [0, leaf(0x10)],
    [0x80000000, leaf(opts.maxExt ?? 0x80000028)],
    [0x80000008, leaf(opts.addrSizes ?? 0x3030)],
    [0x8000001f, leaf(opts.sevEax ?? 0x0001000f, (opts.red << 6) | opts.cbit, opts.ecx ?? 509, opts.minNoEsAsid ?? 1)],
  ]);
  return { vendor: opts.vendor ?? "AuthenticAMD", cpuid };
}

/** EPYC 9124 (the patch author's machine): PhysAddrSize 52, PhysAddrReduction 6, C-bit 51. */
export const EPYC_9124 = (): HostCpu => amdCpu({ addrSizes: 0x3034, cbit: 51, red: 6, ecx: 1006 });
/** Ryzen 5 3600X (Matisse): 8000001F = eax 0x0001000f, ebx 0x0000016f, ecx 0x1fd, edx 1; 0x80000008 EAX 0x3030. */
export const MATISSE = (): HostCpu => amdCpu({ addrSizes: 0x3030, cbit: 47, red: 5 });

/** A vmd-like map of a 256 MiB guest: low RAM, BIOS hole, RAM, the PCI MMIO BAR window, the second BIOS copy. */
export const VMD_MAP: MemRange[] = [
  { gpa: 0x0n, size: 0xa0000n, type: "ram" },
  { gpa: 0xa0000n, size: 0x60000n, type: "reserved" },
  { gpa: 0x100000n, size: 0xff00000n, type: "ram" },
  { gpa: 0xf0000000n, size: 0xfc00000n, type: "mmio" },
  { gpa: 0xffc00000n, size: 0x400000n, type: "reserved" },
];
export const MMIO_BAR = 0xf0000010n;

export const SEV_ES: GuestConfig = { sev: true, sevEs: true };
export const SEV: GuestConfig = { sev: true, sevEs: false };
export const PLAIN: GuestConfig = { sev: false, sevEs: false };

export function scenario(opts: {
  cpus?: HostCpu[];
  guest?: GuestConfig;
  memory?: MemRange[];
  steps?: Step[];
  memEncrypt?: boolean;
  decodeAssist?: boolean;
  ramBytes?: bigint;
}): Scenario {
  return {
    host: {
      cpus: opts.cpus ?? [EPYC_9124()],
      memEncrypt: opts.memEncrypt ?? true,
      decodeAssist: opts.decodeAssist ?? true,
      ramBytes: opts.ramBytes ?? 0x1000000000n,
    },
    guest: opts.guest ?? SEV_ES,
    memory: opts.memory ?? VMD_MAP,
    steps: opts.steps ?? [],
  };
}

/** A kernel on `sc`'s machine, after identifycpu of every CPU with `tree` (pre-patch by default); events collected. */
export function kernelFor(
  sc: Scenario,
  tree: Tree = prePatch.tree,
): { k: Kernel; machine: Machine; events: Event[]; ub: { site: string; detail: string }[] } {
  const machine = new Machine(sc);
  const events: Event[] = [];
  machine.events = events;
  const ub: { site: string; detail: string }[] = [];
  const cx = new CContext((site, detail) => {
    ub.push({ site, detail });
    machine.emit({ kind: "ub", site, detail });
  });
  const k: Kernel = {
    machine,
    cx,
    g: newGlobals(),
    cpus: [],
    curcpu: 0,
    pmap: pmap_bootstrap_env(cx, (pa) => machine.classify(pa) !== "none"),
    curproc_pmap: pmap_create(),
    tree,
  };
  sc.host.cpus.forEach((_, i) => {
    const ci = new_cpu_info(i);
    k.cpus.push(ci);
    cpu_set_vendor(ci, CPUID(k, ci, 0).eax, machine.vendor(i));
    tree.identifycpu(k, ci);
    ci.ci_vmm_cap.vcc_svm.svm_decode_assist = sc.host.decodeAssist ? 1 : 0;
  });
  return { k, machine, events, ub };
}

const VMR_TYPE = { ram: VM_MEM_RAM, reserved: VM_MEM_RESERVED, mmio: VM_MEM_MMIO } as const;

/** vmd's ranges for `sc` as vm_create copies them (vmr_va from the machine). */
export function memranges(sc: Scenario, machine: Machine): vm_mem_range[] {
  return sc.memory.map((m, i) => ({
    vmr_gpa: m.gpa,
    vmr_va: machine.vmdVa(i),
    vmr_size: m.size,
    vmr_type: VMR_TYPE[m.type],
  }));
}

/** A VM with one vcpu on `sc`'s memory (vc_seves/vc_sev from the guest config), without going through vm_create. */
export function vmFor(sc: Scenario, machine: Machine): { vm: vm; vcpu: vcpu } {
  const ranges = memranges(sc, machine);
  const pm = pmap_create();
  pm.pm_type = PMAP_TYPE_RVI;
  const vm: vm = {
    vm_pmap: pm,
    vm_nmemranges: ranges.length,
    vm_memranges: ranges,
    vm_memory_size: 0n,
    vm_vcpu_ct: 1,
    vm_vcpu_list: [],
  };
  const vcpu = new_vcpu(vm);
  vcpu.vc_sev = sc.guest.sev ? 1 : 0;
  vcpu.vc_seves = sc.guest.sevEs ? 1 : 0;
  vm.vm_vcpu_list.push(vcpu);
  return { vm, vcpu };
}

/** Puts an #NPF exit for `gpa` into the vcpu's VMCB as the hardware does. */
export function npfExit(vcpu: vcpu, gpa: bigint, errorCode = 0x100000004n, insnLength = 15): void {
  const vmcb = vcpu.vc_control;
  vmcb.v_exitcode = 0x400n;
  vmcb.v_exitinfo1 = errorCode;
  vmcb.v_exitinfo2 = gpa;
  vmcb.v_n_bytes_fetched = insnLength;
  vcpu.vc_gueststate.vg_exit_reason = 0x400;
}

export function kinds(events: readonly Event[]): string[] {
  return events.map((e) => e.kind);
}
