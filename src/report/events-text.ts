// Events and outcomes in words, for `run` and `replay`.
import { ruleBasis } from "../../reference/basis";
import type { Event, Outcome } from "../cpu/events";
import { NPF_FINAL, NPF_GUEST_PAGE, NPF_ID, NPF_P, NPF_RSV, NPF_RW, NPF_US } from "../cpu/walk";
import { hex } from "../scenario/json-reader";
import type { Step } from "../scenario/types";

const NPF_BITS: [bigint, string][] = [
  [NPF_P, "P"],
  [NPF_RW, "RW"],
  [NPF_US, "US"],
  [NPF_RSV, "RSV"],
  [NPF_ID, "ID"],
  [NPF_FINAL, "FINAL"],
  [NPF_GUEST_PAGE, "GUEST-PAGE"],
];

export function npfBits(code: bigint): string {
  return NPF_BITS.filter(([bit]) => (code & bit) !== 0n)
    .map(([, name]) => name)
    .join("|");
}

export function eventText(e: Event): string {
  switch (e.kind) {
    case "npf-exit":
      return `#NPF exit to host: gpa ${hex(e.gpa)}, error code ${hex(e.errorCode)} (${npfBits(e.errorCode)})`;
    case "vmgexit":
      return `VMGEXIT to host: GHCB ${hex(e.ghcbGpa)}`;
    case "resume":
      return "host resumes the guest";
    case "vmd-exit":
      if (e.reason === "mmio-nae") {
        const dir = e.write ? "write" : "read";
        return `exit to vmd: mmio-nae ${dir} of ${e.size} bytes at gpa ${hex(e.gpa)}, data at ${hex(e.dataGpa)}`;
      }
      return `exit to vmd: ${e.reason} at gpa ${hex(e.gpa)}${e.insnBytes ? ` (${e.insnLength} instruction bytes valid)` : ""}`;
    case "vm-error":
      return `VMM_IOC_RUN fails: errno ${e.errno}`;
    case "ghcb-msr-response":
      return `the host answers in the GHCB MSR: ${hex(e.value)}`;
    case "ghcb-error":
      return `the host returns an error in the GHCB: SW_EXITINFO1 ${hex(e.exitinfo1)}, SW_EXITINFO2 ${hex(e.exitinfo2)}`;
    case "vc":
      return `#VC in the guest, error code ${hex(e.code)}`;
    case "guest-access":
      return `guest ${e.write ? "write" : "access"} completes at host pa ${hex(e.hpa)} (${e.memory})`;
    case "host-access":
      return `host kernel ${e.write ? "writes" : "reads"} ${e.purpose} at pa ${hex(e.pa)} via the direct map (${e.memory})`;
    case "host-crash":
      return `HOST CRASH: ${e.reason}`;
    case "ub":
      return `C undefined behaviour at ${e.site}: ${e.detail}`;
    case "no-progress":
      return `no progress: the access faults again after ${e.exits} exits`;
    case "rule":
      return `rule ${e.rule} (${ruleBasis(e.rule)})`;
  }
}

export function stepText(s: Step): string {
  const cpu = (s.vcpu === undefined ? "" : ` by vcpu${s.vcpu}`) + (s.cpu === undefined ? "" : ` on cpu${s.cpu}`);
  switch (s.op) {
    case "access":
      return `access ${s.kind} ${s.size}B at gpa ${hex(s.gpa)}${s.walk ? " (guest page-table walk)" : ""}${cpu}`;
    case "mmio-nae":
      return `MMIO NAE VMGEXIT ${s.write ? "write" : "read"} ${s.size}B at gpa ${hex(s.gpa)}${cpu}`;
    case "ghcb":
      return `${s.guestWrite ? "write the GHCB, " : ""}register GHCB at gpa ${hex(s.gpa)} and VMGEXIT (CPUID)${cpu}`;
    case "pvclock":
      return `pvclock at gpa ${hex(s.gpa)}${cpu}`;
    case "wallclock":
      return `wall clock at gpa ${hex(s.gpa)}${cpu}`;
    case "vmd-pvclock":
      return `vmd restores the pvclock at gpa ${hex(s.gpa)}${cpu}`;
    case "ghcb-msr":
      return `GHCB MSR protocol request ${hex(s.gpa)} and VMGEXIT${cpu}`;
  }
}

export function createText(o: Outcome): string {
  return o.create === 0
    ? "VM created"
    : o.create < 0
      ? "VM creation crashed the host"
      : `VM creation fails: errno ${o.create}`;
}

/** Every step's events and the final nested PTEs, as `run` prints them. */
export function outcomeText(o: Outcome, steps: readonly Step[]): string {
  const lines = [`[${o.impl}] ${createText(o)}`];
  for (const e of o.createEvents) lines.push(`    ${eventText(e)}`);
  o.steps.forEach((s, i) => {
    lines.push(`  step ${i}: ${stepText(steps[i]!)}`);
    for (const e of s.events) lines.push(`    ${eventText(e)}`);
  });
  if (o.steps.length < steps.length && o.create === 0)
    lines.push(`  (steps ${o.steps.length}..${steps.length - 1} not run: the VM or host stopped)`);
  lines.push("  final nested PTEs:");
  for (const [page, pte] of o.ptes)
    lines.push(`    gpa ${hex(page).padEnd(14)} pte 0x${pte.toString(16).padStart(16, "0")}`);
  return lines.join("\n") + "\n";
}
