// port-only: the Hypervisor interface (src/cpu/hypervisor.ts) over the ported C of one tree: boot-time identifycpu,
// vmd's VM creation path, and vcpu_run_svm driven one #VMEXIT at a time.
/*
 * What each machine call means on the host side:
 *  - createVm(): identifycpu() for every host CPU in order (boot CPU first), after cpu_set_vendor(); the scenario's
 *    decodeAssist becomes each CPU's svm_decode_assist (cpu_check_vmm_cap is not ported). Then vmd's
 *    VMM_IOC_CREATE: vm_create() with the scenario's ranges (vmr_va = machine.vmdVa(i)), guest.vcpus vcpus, vcp_sev and
 *    vcp_seves from the guest config. Then two checks of vmd(8), not of the kernel:
 *      loadfile_elf: `if (vcp->vcp_sev) { if (vcp->vcp_poscbit == 0) { log_warnx("SEV enabled but no C-bit
 *      reported"); return 1; } }` and sev_init's PSP LAUNCH_START (machine.pspLaunchStart) for SEV guests.
 *    vmd fails the VM start there; the port reports EINVAL for both (vmd's own return values are not errnos).
 *  - handleExit(): the guest left with the given #VMEXIT: if the vcpu is not inside vcpu_run_svm (first run, or
 *    vmd handled the previous exit), VMM_IOC_RUN enters it first. The exit is put into the VMCB as the hardware
 *    does (EXITCODE, EXITINFO1/2 and the fetched-bytes count for #NPF; the GHCB MSR for VMGEXIT) and
 *    vcpu_run_svm's exit half runs. Its result maps to a Disposition: 0 resume, or, after a VMGEXIT whose GHCB the
 *    host left with a non-zero SW_EXITINFO1[31:0], resume with an error in the GHCB; EAGAIN after an #NPF with
 *    VEE_FAULT_MMIO_ASSIST a vmd exit for MMIO emulation, and EAGAIN with the exit reason of an MMIO NAE event
 *    (SEV_VMGEXIT_MMIO_READ/WRITE, a tree whose svm_handle_vmgexit forwards it) a vmd exit for the access in
 *    vc_exit.vem; anything else an error vmd gets from VMM_IOC_RUN.
 *  - pvclock(): the guest's WRMSR KVM_MSR_SYSTEM_TIME = gpa | PVCLOCK_SYSTEM_TIME_ENABLE, delivered as an
 *    SVM_VMEXIT_MSR exit (svm_handle_msr -> vmm_init_pvclock -> vmm_update_pvclock), then the loop's next
 *    vmm_update_pvclock before the guest is entered again.
 */
import type { Machine } from "../cpu/machine";
import type { Disposition, Hypervisor, HypervisorFactory, VmExit } from "../cpu/hypervisor";
import type { Event } from "../cpu/events";
import type { MemType, Scenario } from "../scenario/types";
import { CContext } from "./c";
import type { cpu_info } from "./cpu_h";
import { EAGAIN, EINVAL } from "./errno";
import type { ghcb_sa } from "./ghcb";
import { CPUID, copy_cpu_info, cpu_set_vendor, new_cpu_info } from "./identcpu";
import { newGlobals, type identcpu_globals, type Kernel, type Tree } from "./kernel";
import { pmap_bootstrap_env, pmap_create } from "./pmap";
import { KVM_MSR_SYSTEM_TIME, KVM_MSR_WALL_CLOCK, PVCLOCK_SYSTEM_TIME_ENABLE } from "./pvreg";
import { vm_create, vm_rwvmparams } from "./vmm";
import {
  VM_MEM_MMIO,
  VM_MEM_RAM,
  VM_MEM_RESERVED,
  VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA,
  type vm,
  type vm_create_params,
  type vm_rwvmparams_params,
} from "./vmm_h";
import { new_vcpu, vcpu_init, vmm_init_pvclock, vcpu_run_svm_enter, vcpu_run_svm_exit } from "./vmm_machdep";
import {
  SEV_VMGEXIT_MMIO_READ,
  SEV_VMGEXIT_MMIO_WRITE,
  SVM_VMEXIT_MSR,
  SVM_VMEXIT_NPF,
  VEE_BYTES_VALID,
  VEE_FAULT_MMIO_ASSIST,
  VEI_DIR_OUT,
  type vcpu,
} from "./vmmvar";

const VMR_TYPE: Record<MemType, number> = { ram: VM_MEM_RAM, reserved: VM_MEM_RESERVED, mmio: VM_MEM_MMIO };

/** The nested table before the VM exists: empty, and never written (the machine only reads `npt`). */
const NO_NPT: ReadonlyMap<bigint, bigint> = new Map();

export class PortHypervisor implements Hypervisor {
  readonly name: string;
  /** The kernel state of this run (exposed for tests). */
  readonly k: Kernel;
  private vm: vm | null = null;
  /** The vcpus by vc_id once the VM exists (vm_find_vcpu of vmd's VMM_IOC_RUN). */
  private vcpus: vcpu[] = [];
  /** The vcpus (by vc_id) inside vcpu_run_svm's loop (not before their first run, nor after a return to vmd). */
  private readonly inKernel = new Set<number>();

  constructor(
    tree: Tree,
    machine: Machine,
    private readonly scenario: Scenario,
  ) {
    this.name = tree.name;
    const cx = new CContext((site, detail) => machine.emit({ kind: "ub", site, detail }));
    this.k = {
      machine,
      cx,
      g: newGlobals(),
      cpus: [],
      curcpu: 0,
      pmap: pmap_bootstrap_env(cx, (pa) => machine.classify(pa) !== "none", scenario.host.pvEntries ?? null),
      curproc_pmap: pmap_create(),
      tree,
    };
  }

  /** The nested pmap's level-1 PTEs (vm->vm_pmap), empty before the VM exists. */
  get npt(): ReadonlyMap<bigint, bigint> {
    return this.vm?.vm_pmap.pm_ptes ?? NO_NPT;
  }

  /** The VM and its first vcpu once created (exposed for tests). */
  get state(): { vm: vm | null; vcpu: vcpu | null } {
    return { vm: this.vm, vcpu: this.vcpus[0] ?? null };
  }

  createVm(): number {
    const k = this.k;
    const machine = k.machine;

    /* boot: cpu_attach -> identifycpu for every CPU, the boot CPU first (once per host and tree, see boot()) */
    const booted = machine.hostState.derive(k.tree, () => boot(k.tree, machine));
    bootedCopy(k, booted, machine.host.decodeAssist ? 1 : 0);
    k.curcpu = 0;

    /* vmd(8): VMM_IOC_CREATE */
    const vcp: vm_create_params = {
      vcp_nmemranges: this.scenario.memory.length,
      vcp_memranges: this.scenario.memory.map((m, i) => ({
        vmr_gpa: m.gpa,
        vmr_va: machine.vmdVa(i),
        vmr_size: m.size,
        vmr_type: VMR_TYPE[m.type],
      })),
      vcp_ncpus: this.scenario.guest.vcpus ?? 1,
      vcp_sev: this.scenario.guest.sev ? 1 : 0,
      vcp_seves: this.scenario.guest.sevEs ? 1 : 0,
      vcp_poscbit: 0,
      vcp_asid: [],
    };
    const out: { vm: vm | null } = { vm: null };
    const ret = (k.tree.vm_create ?? vm_create)(k, vcp, { vcpu_init, new_vcpu }, out);
    if (ret !== 0) return ret;
    this.vm = out.vm;
    this.vcpus = [...out.vm!.vm_vcpu_list].sort((a, b) => a.vc_id - b.vc_id);

    /* vmd(8) loadfile_elf: a SEV guest needs the C-bit position */
    if (vcp.vcp_sev) {
      if (vcp.vcp_poscbit === 0) {
        // log_warnx("SEV enabled but no C-bit reported"); return 1;
        return EINVAL;
      }
    }

    /* vmd(8) sev_init: psp_launch_start(&handle, vcp->vcp_seves) */
    if (vcp.vcp_sev && !machine.pspLaunchStart(vcp.vcp_seves !== 0)) return EINVAL;

    return 0;
  }

  vcpuSevEs(id: number): boolean {
    const vcpu = this.vcpus[id];
    return vcpu !== undefined && vcpu.vc_seves !== 0;
  }

  handleExit(exit: VmExit, cpu: number, id: number): Disposition {
    const vcpu = this.requireVcpu(id);
    this.k.curcpu = cpu;
    const entered = this.enter(vcpu);
    if (entered !== null) return entered;

    /* the hardware's #VMEXIT state in the VMCB */
    const vmcb = vcpu.vc_control;
    vmcb.v_exitcode = BigInt(exit.code);
    if (exit.code === SVM_VMEXIT_NPF) {
      vmcb.v_exitinfo1 = exit.exitinfo1;
      vmcb.v_exitinfo2 = exit.exitinfo2;
      vmcb.v_n_bytes_fetched = exit.insnLength;
      vmcb.v_guest_ins_bytes.fill(0);
    } else {
      vmcb.v_ghcb_gpa = exit.ghcbMsr;
    }
    this.k.ghcb_stored = null;
    const d = this.afterExit(vcpu, vcpu_run_svm_exit(this.k, vcpu));
    /* an MSR protocol request: the guest reads the host's answer back from the GHCB MSR */
    if (exit.code !== SVM_VMEXIT_NPF && (exit.ghcbMsr & 0xfffn) !== 0n && d.kind === "resume") {
      return { kind: "resume-msr", ghcbMsr: vmcb.v_ghcb_gpa };
    }
    /* the guest reads the status the host left in SW_EXITINFO1[31:0] (GHCB spec 56421: 0 is success) */
    const ghcb = this.storedGhcb();
    if (exit.code !== SVM_VMEXIT_NPF && d.kind === "resume" && ghcb && (ghcb.v_sw_exitinfo1 & 0xffffffffn) !== 0n) {
      return {
        kind: "resume-ghcb-error",
        exitinfo1: ghcb.v_sw_exitinfo1 & 0xffffffffn,
        exitinfo2: ghcb.v_sw_exitinfo2,
      };
    }
    return d;
  }

  pvclock(gpa: bigint, cpu: number, id: number): Disposition {
    /* WRMSR KVM_MSR_SYSTEM_TIME: EDX:EAX = gpa | PVCLOCK_SYSTEM_TIME_ENABLE */
    return this.wrmsrExit(KVM_MSR_SYSTEM_TIME, gpa | PVCLOCK_SYSTEM_TIME_ENABLE, cpu, id);
  }

  wallclock(gpa: bigint, cpu: number, id: number): Disposition {
    /* WRMSR KVM_MSR_WALL_CLOCK: EDX:EAX = gpa */
    return this.wrmsrExit(KVM_MSR_WALL_CLOCK, gpa, cpu, id);
  }

  /** The guest's WRMSR of `msr` with `val`, intercepted: an SVM_VMEXIT_MSR exit of vcpu `id` on host CPU `cpu`. */
  private wrmsrExit(msr: bigint, val: bigint, cpu: number, id: number): Disposition {
    const vcpu = this.requireVcpu(id);
    this.k.curcpu = cpu;
    const entered = this.enter(vcpu);
    if (entered !== null) return entered;

    const vmcb = vcpu.vc_control;
    vmcb.v_exitcode = BigInt(SVM_VMEXIT_MSR);
    vmcb.v_exitinfo1 = 1n; /* WRMSR */
    vcpu.vc_gueststate.vg_rcx = msr;
    vmcb.v_rax = val & 0xffffffffn;
    vcpu.vc_gueststate.vg_rdx = val >> 32n;
    return this.afterExit(vcpu, vcpu_run_svm_exit(this.k, vcpu));
  }

  vmdPvclock(gpa: bigint, id: number): Disposition {
    /* vmd(8): VMM_IOC_WRITEVMPARAMS with the pvclock GPA it saved (vc_pvclock_system_gpa, enable bit included) */
    const vpp: vm_rwvmparams_params = {
      vpp_vm_id: 0,
      vpp_vcpu_id: id,
      vpp_mask: VM_RWVMPARAMS_PVCLOCK_SYSTEM_GPA,
      vpp_pvclock_version: 0,
      vpp_pvclock_system_gpa: gpa | PVCLOCK_SYSTEM_TIME_ENABLE,
    };
    const ret = vm_rwvmparams(this.k, this.vm, vpp, 1, { vcpu_init, new_vcpu, vmm_init_pvclock });
    return ret === 0 ? { kind: "resume" } : { kind: "error", errno: ret };
  }

  /** What the exit's handlers left in the GHCB (kernel state the handlers set; null when they stored nothing). */
  private storedGhcb(): ghcb_sa | null {
    return this.k.ghcb_stored ?? null;
  }

  private requireVcpu(id: number): vcpu {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) throw new Error(this.vm === null ? "the VM was not created" : `the VM has no vcpu ${id}`);
    return vcpu;
  }

  /** VMM_IOC_RUN when the vcpu is not in the kernel's run loop; a disposition when entering fails. */
  private enter(vcpu: vcpu): Disposition | null {
    if (this.inKernel.has(vcpu.vc_id)) return null;
    const ret = vcpu_run_svm_enter(this.k, vcpu);
    if (ret !== 0) return this.disposition(vcpu, ret);
    this.inKernel.add(vcpu.vc_id);
    return null;
  }

  private afterExit(vcpu: vcpu, ret: number): Disposition {
    if (ret !== 0) this.inKernel.delete(vcpu.vc_id);
    return this.disposition(vcpu, ret);
  }

  /** vcpu_run_svm's return contract: 0 no help needed; EAGAIN help from vmd needed; else an error. */
  private disposition(vcpu: vcpu, ret: number): Disposition {
    if (ret === 0) return { kind: "resume" };
    const vee = vcpu.vc_exit.vee;
    if (
      ret === EAGAIN &&
      vcpu.vc_gueststate.vg_exit_reason === SVM_VMEXIT_NPF &&
      vee.vee_fault_type === VEE_FAULT_MMIO_ASSIST
    ) {
      /* vmd reads vc_exit.vee: the fault type, VEE_BYTES_VALID and vee_insn_len (and the bytes) */
      const insnBytes = (vee.vee_insn_info & VEE_BYTES_VALID) !== 0;
      return {
        kind: "vmd",
        reason: "mmio-assist",
        gpa: vcpu.vc_control.v_exitinfo2,
        insnBytes,
        insnLength: vee.vee_insn_len,
        size: 0n,
        write: false,
        dataGpa: 0n,
      };
    }
    const reason = vcpu.vc_gueststate.vg_exit_reason;
    if (ret === EAGAIN && (reason === SEV_VMGEXIT_MMIO_READ || reason === SEV_VMGEXIT_MMIO_WRITE)) {
      /* vmd reads vc_exit.vem: vem_gpa, vem_size, vem_dir, vem_data_gpa */
      const vem = vcpu.vc_exit.vem;
      return {
        kind: "vmd",
        reason: "mmio-nae",
        gpa: vem.vem_gpa,
        insnBytes: false,
        insnLength: 0,
        size: vem.vem_size,
        write: vem.vem_dir === VEI_DIR_OUT,
        dataGpa: vem.vem_data_gpa,
      };
    }
    return { kind: "error", errno: ret };
  }
}

/** The kernel state boot leaves for vmm: identcpu.c's globals, every CPU's cpu_info, and the UB it hit. */
interface Booted {
  g: identcpu_globals;
  /** The cpu_info of every CPU as identifycpu left them: never handed to a run, which gets copies. */
  cpus: readonly cpu_info[];
  events: Event[];
}

/**
 * cpu_attach -> identifycpu for every host CPU in order, the boot CPU first, on a fresh kernel. It reads only the
 * CPUs (CPUID, vendor, SYSCFG), so its result is the same for every run on the same host: the machine's HostState
 * keeps it per tree, and each run starts from a copy of it (bootedCopy), so that what one run writes into its
 * kernel state cannot reach the next.
 */
function boot(tree: Tree, machine: Machine): Booted {
  const events: Event[] = [];
  const cx = new CContext((site, detail) => events.push({ kind: "ub", site, detail }));
  const k: Kernel = {
    machine,
    cx,
    g: newGlobals(),
    cpus: [],
    curcpu: 0,
    pmap: pmap_bootstrap_env(cx, () => false),
    curproc_pmap: pmap_create(),
    tree,
  };
  for (let i = 0; i < machine.host.cpus.length; i++) {
    const ci = new_cpu_info(i);
    k.cpus.push(ci);
    k.curcpu = i;
    cpu_set_vendor(ci, CPUID(k, ci, 0).eax, machine.vendor(i));
    k.tree.identifycpu(k, ci);
  }
  for (const e of events) Object.freeze(e); /* shared by every run on this host */
  return { g: k.g, cpus: k.cpus, events };
}

/** A run's own copy of the booted kernel state, with the scenario's decode assist on every CPU. */
function bootedCopy(k: Kernel, booted: Booted, decodeAssist: 0 | 1): void {
  Object.assign(k.g, booted.g);
  for (const ci of booted.cpus) {
    const copy = copy_cpu_info(ci);
    copy.ci_vmm_cap.vcc_svm.svm_decode_assist = decodeAssist; /* cpu_check_vmm_cap, from the scenario */
    k.cpus.push(copy);
  }
  for (const e of booted.events) k.machine.emit(e);
}

/** The HypervisorFactory of the port for one tree. */
export function portFactory(tree: Tree): HypervisorFactory {
  return (machine, scenario) => new PortHypervisor(tree, machine, scenario);
}
