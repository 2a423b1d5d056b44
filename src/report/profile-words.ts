// The decoded CPU profile of a scenario in words: what a reader needs to place a finding.
import { guestKind, type HostCpu, type Scenario } from "../scenario/types";

export interface DecodedCpu {
  vendor: string;
  maxExtLeaf: number;
  physAddrSize: number;
  cBit: number;
  reduction: number;
  sev: boolean;
  sevEs: boolean;
}

/** The raw CPUID fields that matter here (CPUID Fn8000_0008 EAX[7:0], Fn8000_001F EAX bits 1/3, EBX[5:0], EBX[11:6]). */
export function decodeCpu(cpu: HostCpu): DecodedCpu {
  const get = (leaf: number) => cpu.cpuid.get(leaf) ?? { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  const enc = get(0x8000001f);
  return {
    vendor: cpu.vendor,
    maxExtLeaf: get(0x80000000).eax >>> 0,
    physAddrSize: get(0x80000008).eax & 0xff,
    cBit: enc.ebx & 0x3f,
    reduction: (enc.ebx >>> 6) & 0x3f,
    sev: (enc.eax & 2) !== 0,
    sevEs: (enc.eax & 8) !== 0,
  };
}

export function cpuWords(cpu: HostCpu): string {
  const d = decodeCpu(cpu);
  const features = [d.sev ? "SEV" : "", d.sevEs ? "SEV-ES" : ""].filter(Boolean).join("+") || "no SEV";
  const vendor = d.vendor === "AuthenticAMD" ? "" : ` vendor "${d.vendor}"`;
  return `phys_addrsz ${d.physAddrSize}, phys_red ${d.reduction}, C-bit ${d.cBit}, ${features}, max ext leaf 0x${d.maxExtLeaf.toString(16)}${vendor}`;
}

/** One line: every CPU's profile (identical CPUs once), memEncrypt, guest kind. */
export function profileWords(s: Scenario): string {
  const lines = s.host.cpus.map(cpuWords);
  const distinct = [...new Set(lines)];
  const cpus =
    distinct.length === 1
      ? `${s.host.cpus.length > 1 ? `${s.host.cpus.length} CPUs: ` : ""}${distinct[0]}`
      : lines.map((l, i) => `cpu${i}: ${l}`).join("; ");
  return `${cpus}; memEncrypt ${s.host.memEncrypt ? "on" : "off"}; ${guestKind(s.guest)} guest`;
}
