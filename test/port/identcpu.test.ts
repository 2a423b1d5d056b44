import { describe, expect, it } from "vitest";
import { CPUV_AMD, CPUV_INTEL, CPUV_UNKNOWN, CPUV_VIA } from "../../src/port/cpu_h";
import { copy_cpu_info, cpu_set_vendor, identifycpu, new_cpu_info } from "../../src/port/identcpu";
import { posted } from "../../src/port/variants/posted";
import { prePatch } from "../../src/port/variants/pre-patch";
import { amdCpu, EPYC_9124, kernelFor, leaf, MATISSE, scenario } from "./fixtures";

describe("cpu_set_vendor", () => {
  it("maps the CPUID vendor string to ci_vendor", () => {
    const ci = new_cpu_info(0);
    for (const [s, v] of [
      ["AuthenticAMD", CPUV_AMD],
      ["GenuineIntel", CPUV_INTEL],
      ["CentaurHauls", CPUV_VIA],
      ["HygonGenuine", CPUV_UNKNOWN],
    ] as const) {
      cpu_set_vendor(ci, 0x10, s);
      expect(ci.ci_vendor).toBe(v);
    }
    expect(ci.ci_cpuid_level).toBe(0x10);
  });
});

describe("identifycpu before the patch", () => {
  it("sets amd64_pos_cbit and amd64_min_noes_asid from CPUID 0x8000001F and nothing of the patch", () => {
    const { k } = kernelFor(scenario({ cpus: [EPYC_9124()] }), prePatch.tree);
    expect(k.g).toEqual({ amd64_pos_cbit: 51, amd64_min_noes_asid: 1, amd64_phys_addrsz: 0, amd64_phys_red: 0 });
    expect(k.cpus[0]!.ci_pnfeatset).toBe(0x80000028);
    expect(k.cpus[0]!.ci_feature_amdspec_eax).toBe(0);
  });

  it("is the function the pre-patch variant uses", () => {
    expect(prePatch.tree.identifycpu).toBe(identifycpu);
  });

  it("reads nothing of a CPU whose vendor is not AuthenticAMD", () => {
    const cpu = { ...EPYC_9124(), vendor: "GenuineIntel" };
    const { k } = kernelFor(scenario({ cpus: [cpu] }), prePatch.tree);
    expect(k.g.amd64_pos_cbit).toBe(0);
    expect(k.cpus[0]!.ci_feature_amdspec_ebx).toBe(0);
  });

  it("skips leaf 0x8000001F when the maximum extended leaf is below it", () => {
    const { k } = kernelFor(scenario({ cpus: [amdCpu({ maxExt: 0x8000001e, cbit: 51, red: 6 })] }), prePatch.tree);
    expect(k.g.amd64_pos_cbit).toBe(0);
  });

  it("converts EDX above INT_MAX to a negative amd64_min_noes_asid", () => {
    const { k } = kernelFor(scenario({ cpus: [amdCpu({ cbit: 47, red: 5, minNoEsAsid: 0xffffffff })] }));
    expect(k.g.amd64_min_noes_asid).toBe(-1);
  });
});

describe("identifycpu with the patch", () => {
  it("sets amd64_phys_addrsz (0x80000008 EAX[7:0]) and amd64_phys_red (0x8000001F EBX[11:6]) on EPYC 9124", () => {
    const { k } = kernelFor(scenario({ cpus: [EPYC_9124()] }), posted.tree);
    expect(k.g).toEqual({ amd64_pos_cbit: 51, amd64_min_noes_asid: 1, amd64_phys_addrsz: 52, amd64_phys_red: 6 });
    expect(k.cpus[0]!.ci_feature_amdspec_eax).toBe(0x3034);
  });

  it("decodes the Matisse leaves: 48 bits, reduction 5, C-bit 47", () => {
    const { k } = kernelFor(scenario({ cpus: [MATISSE()] }), posted.tree);
    expect(k.g.amd64_phys_addrsz).toBe(48);
    expect(k.g.amd64_phys_red).toBe(5);
    expect(k.g.amd64_pos_cbit).toBe(47);
  });

  it("leaves amd64_phys_addrsz 0 when the maximum extended leaf is below 0x80000008", () => {
    const { k } = kernelFor(scenario({ cpus: [amdCpu({ maxExt: 0x80000007, cbit: 51, red: 6 })] }), posted.tree);
    expect(k.g.amd64_phys_addrsz).toBe(0);
    expect(k.g.amd64_phys_red).toBe(0);
  });

  it("sets amd64_phys_addrsz but not amd64_phys_red when only 0x80000008 is reachable", () => {
    const { k } = kernelFor(
      scenario({ cpus: [amdCpu({ maxExt: 0x80000008, addrSizes: 0x3034, cbit: 51, red: 6 })] }),
      posted.tree,
    );
    expect(k.g.amd64_phys_addrsz).toBe(52);
    expect(k.g.amd64_phys_red).toBe(0);
  });

  it("does not check the SME/SEV feature bits before taking the values", () => {
    const { k } = kernelFor(scenario({ cpus: [amdCpu({ sevEax: 0, cbit: 51, red: 6 })] }), posted.tree);
    expect(k.g.amd64_phys_red).toBe(6);
  });

  it("keeps the values of the last CPU identified (last writer wins)", () => {
    const ap = amdCpu({ addrSizes: 0x3030, cbit: 47, red: 1 });
    const { k } = kernelFor(scenario({ cpus: [EPYC_9124(), ap] }), posted.tree);
    expect(k.g).toEqual({ amd64_pos_cbit: 47, amd64_min_noes_asid: 1, amd64_phys_addrsz: 48, amd64_phys_red: 1 });
  });

  it("keeps the boot CPU's values when a later CPU is not AMD", () => {
    const other = {
      vendor: "GenuineIntel",
      cpuid: new Map([
        [0x80000000, leaf(0x80000008)],
        [0x80000008, leaf(0x27)],
      ]),
    };
    const { k } = kernelFor(scenario({ cpus: [EPYC_9124(), other] }), posted.tree);
    expect(k.g.amd64_phys_addrsz).toBe(52);
  });

  it("takes 0x80000008 EAX[7:0] whole, up to 255", () => {
    const { k } = kernelFor(scenario({ cpus: [amdCpu({ addrSizes: 0xffff, cbit: 51, red: 63 })] }), posted.tree);
    expect(k.g.amd64_phys_addrsz).toBe(255);
    expect(k.g.amd64_phys_red).toBe(63);
  });
});

describe("copy_cpu_info", () => {
  it("copies every field of an identified CPU and shares nothing with it", () => {
    const { k } = kernelFor(scenario({ cpus: [EPYC_9124()] }), posted.tree);
    const ci = new_cpu_info(0);
    cpu_set_vendor(ci, 0x10, "AuthenticAMD");
    posted.tree.identifycpu(k, ci);
    ci.ci_vmm_cap.vcc_svm.svm_decode_assist = 1;
    const copy = copy_cpu_info(ci);
    expect(copy).toEqual(ci);
    copy.ci_vmm_cap.vcc_svm.svm_decode_assist = 0;
    copy.ci_feature_amdsev_ebx = 0;
    expect(ci.ci_vmm_cap.vcc_svm.svm_decode_assist).toBe(1);
    expect(ci.ci_feature_amdsev_ebx).not.toBe(0);
  });
});
