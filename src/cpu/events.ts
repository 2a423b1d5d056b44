// What one run of a scenario shows: VM creation's result, the ordered events of every step, the final nested PTEs.
// Both implementations produce this same shape; the diff compares it.

/** Where a completed memory access landed, as the machine sees it. */
export type Memory = "guest-ram" | "host-ram" | "none";

/** Why the vcpu left the kernel for vmd(8). */
export type VmdExitReason = "mmio-assist" | "mmio-nae";

/** What vmd(8) is handed with an exit for emulation (struct vm_exit: vee for an assist, vem for an MMIO NAE). */
export interface VmdExit {
  reason: VmdExitReason;
  /** The GPA of the access. */
  gpa: bigint;
  /** mmio-assist: the decode-assist bytes are valid (VEE_BYTES_VALID) and how many there are (vee_insn_len). */
  insnBytes: boolean;
  insnLength: number;
  /** mmio-nae: SW_EXITINFO2 (bytes), the direction (write = VEI_DIR_OUT) and SW_SCRATCH (where the data is). */
  size: bigint;
  write: boolean;
  dataGpa: bigint;
}

export type Event =
  /** Automatic #VMEXIT(NPF) to the host kernel; exitinfo1 = error code, exitinfo2 = GPA. */
  | { kind: "npf-exit"; gpa: bigint; errorCode: bigint }
  /** Automatic #VMEXIT(VMGEXIT) to the host kernel with the GHCB MSR value. */
  | { kind: "vmgexit"; ghcbGpa: bigint }
  /** The host handled the exit in the kernel and resumed the guest. */
  | { kind: "resume" }
  /** VMM_IOC_RUN returned to vmd(8) for emulation; the step completes there. */
  | ({ kind: "vmd-exit" } & VmdExit)
  /** VMM_IOC_RUN failed with an errno: the VM stops. */
  | { kind: "vm-error"; errno: number }
  /** The host answered a GHCB MSR protocol request and resumed: the GHCB MSR value the guest reads back. */
  | { kind: "ghcb-msr-response"; value: bigint }
  /** The host answered the guest's VMGEXIT with an error in the GHCB (SW_EXITINFO1[31:0] != 0, SW_EXITINFO2). */
  | { kind: "ghcb-error"; exitinfo1: bigint; exitinfo2: bigint }
  /** #VC delivered in the guest with its error code (the exit code). */
  | { kind: "vc"; code: number }
  /** A guest access completed at a host physical address. */
  | { kind: "guest-access"; hpa: bigint; memory: Memory; write: boolean }
  /** The host kernel touched memory through its direct map on the guest's behalf. */
  | { kind: "host-access"; pa: bigint; memory: Memory; write: boolean; purpose: HostAccessPurpose }
  /** The host kernel faulted or panicked: the host (and the VM) stop. */
  | { kind: "host-crash"; reason: string }
  /** The port hit C undefined behaviour (the port only). */
  | { kind: "ub"; site: string; detail: string }
  /** The guest access did not complete after the retry bound: the host resumes it into the same fault. */
  | { kind: "no-progress"; exits: number }
  /** The reference model decided by this rule of reference/RULES.md (the reference only; observes nothing). */
  | { kind: "rule"; rule: string };

export type HostAccessPurpose = "ghcb" | "pvclock" | "wallclock";

export type EventKind = Event["kind"];

export interface StepOutcome {
  events: Event[];
}

export interface Outcome {
  /** Name of the implementation that produced it. */
  impl: string;
  /** VM creation's result: 0 or an errno. */
  create: number;
  /** Why VM creation was refused, when the implementation says. */
  createReason?: string;
  /** Events of VM creation itself (undefined behaviour during identifycpu, for instance). */
  createEvents: Event[];
  /** One entry per scenario step that ran; steps after the VM or host stopped are absent. */
  steps: StepOutcome[];
  /** Final nested PTE of every page the run touched, by guest-physical page address. */
  ptes: Map<bigint, bigint>;
}
