// The decoded CPU profile of a scenario in words: what a reader needs to place a finding.
import { hex } from "../scenario/json-reader";
import { AMD_VENDOR, CATALOG, ENC_FEATURE, FIELD_LAYOUT, fieldsOfCpu } from "../scenario/profiles";
import { guestKind, type HostCpu, type Scenario } from "../scenario/types";

export function cpuWords(cpu: HostCpu): string {
  const f = fieldsOfCpu(cpu);
  const sev = (f.encFeatures & ENC_FEATURE.SEV) !== 0;
  const sevEs = (f.encFeatures & ENC_FEATURE.SevEs) !== 0;
  const features = [sev ? "SEV" : "", sevEs ? "SEV-ES" : ""].filter(Boolean).join("+") || "no SEV";
  const vendor = f.vendor === AMD_VENDOR ? "" : ` vendor "${f.vendor}"`;
  // A real part of the catalog with exactly these fields is named (parts with the same values, all of them).
  const real = CATALOG.filter(
    (e) => e.fields.vendor === f.vendor && FIELD_LAYOUT.every(({ field }) => e.fields[field] === f[field]),
  ).map((e) => e.name);
  const named = real.length > 0 ? ` (${real.join(" = ")})` : "";
  return `phys_addrsz ${f.physAddrSize}, phys_red ${f.reduction}, C-bit ${f.cBit}, ${features}, max ext leaf ${hex(f.maxExtLeaf)}${vendor}${named}`;
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
