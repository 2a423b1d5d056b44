import { describe, expect, it } from "vitest";
import { PMAP_TYPE_RVI } from "../../src/port/pmap";
import { EINVAL } from "../../src/port/errno";
import {
  VMM_MAX_VM_MEM_SIZE,
  VM_MEM_MMIO,
  VM_MEM_RAM,
  VM_MEM_RESERVED,
  type vm,
  type vm_create_params,
  type vm_mem_range,
} from "../../src/port/vmm_h";
import { VMM_MEM_TYPE_MMIO, VMM_MEM_TYPE_REGULAR, VMM_MEM_TYPE_UNKNOWN } from "../../src/port/vmmvar";
import {
  vm_create,
  vm_create_check_mem_ranges,
  vmm_get_guest_memtype,
  vmm_gpa_is_valid,
  vmm_translate_gpa,
} from "../../src/port/vmm";
import { new_vcpu, vcpu_init } from "../../src/port/vmm_machdep";
import { kernelFor, scenario, SEV_ES, vmFor } from "./fixtures";

const VA = 0x600000000000n;

function r(gpa: bigint, size: bigint, type = VM_MEM_RAM, va = VA + gpa): vm_mem_range {
  return { vmr_gpa: gpa, vmr_va: va, vmr_size: size, vmr_type: type };
}

function vcp(ranges: vm_mem_range[], ncpus = 1): vm_create_params {
  return {
    vcp_nmemranges: ranges.length,
    vcp_memranges: ranges,
    vcp_ncpus: ncpus,
    vcp_sev: 1,
    vcp_seves: 1,
    vcp_poscbit: 0,
    vcp_asid: [],
  };
}

function vmOf(ranges: vm_mem_range[]): vm {
  const { vm } = vmFor(scenario({}), kernelFor(scenario({})).machine);
  vm.vm_memranges = ranges;
  vm.vm_nmemranges = ranges.length;
  return vm;
}

describe("vm_create_check_mem_ranges", () => {
  it("returns the memory size without MMIO ranges", () => {
    expect(
      vm_create_check_mem_ranges(
        vcp([r(0n, 0x1000n), r(0x2000n, 0x2000n, VM_MEM_MMIO), r(0x4000n, 0x1000n, VM_MEM_RESERVED)]),
      ),
    ).toBe(0x2000n);
  });

  it("returns 0 for no range or more than 16", () => {
    expect(vm_create_check_mem_ranges(vcp([]))).toBe(0n);
    const many = Array.from({ length: 17 }, (_, i) => r(BigInt(i) * 0x1000n, 0x1000n));
    expect(vm_create_check_mem_ranges(vcp(many))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp(many.slice(0, 16)))).toBe(0x10000n);
  });

  it("returns 0 for an unaligned gpa, va or size, or a zero size", () => {
    expect(vm_create_check_mem_ranges(vcp([r(0x10n, 0x1000n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0x1000n, VM_MEM_RAM, VA + 8n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0x1001n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0n)]))).toBe(0n);
  });

  it("returns 0 beyond VMM_MAX_VM_MEM_SIZE and accepts a range ending exactly there", () => {
    expect(vm_create_check_mem_ranges(vcp([r(VMM_MAX_VM_MEM_SIZE, 0x1000n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(VMM_MAX_VM_MEM_SIZE - 0x1000n, 0x2000n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(VMM_MAX_VM_MEM_SIZE - 0x1000n, 0x1000n)]))).toBe(0x1000n);
  });

  it("returns 0 for overlapping or descending ranges and accepts adjacent ones", () => {
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0x2000n), r(0x1000n, 0x1000n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(0x2000n, 0x1000n), r(0n, 0x1000n)]))).toBe(0n);
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0x1000n), r(0x1000n, 0x1000n)]))).toBe(0x2000n);
  });

  it("returns 0 when every range is MMIO (memsize 0)", () => {
    expect(vm_create_check_mem_ranges(vcp([r(0n, 0x1000n, VM_MEM_MMIO)]))).toBe(0n);
  });
});

describe("vm_create", () => {
  const { k } = kernelFor(scenario({}));
  const md = { vcpu_init, new_vcpu };

  it("fails with EINVAL when the ranges are invalid", () => {
    const out = { vm: null };
    expect(vm_create(k, vcp([r(0n, 0x1000n, VM_MEM_MMIO)]), md, out)).toBe(EINVAL);
    expect(out.vm).toBeNull();
  });

  it("fails with EINVAL for other than one vcpu", () => {
    expect(vm_create(k, vcp([r(0n, 0x1000n)], 2), md, { vm: null })).toBe(EINVAL);
  });

  it("creates the RVI pmap, copies the ranges and initialises the vcpu", () => {
    const out: { vm: vm | null } = { vm: null };
    const p = vcp([r(0n, 0x1000n), r(0x1000n, 0x1000n, VM_MEM_MMIO)]);
    expect(vm_create(k, p, md, out)).toBe(0);
    const vm = out.vm!;
    expect(vm.vm_pmap.pm_type).toBe(PMAP_TYPE_RVI);
    expect(vm.vm_memory_size).toBe(0x1000n);
    expect(vm.vm_memranges).toEqual(p.vcp_memranges);
    expect(vm.vm_memranges[0]).not.toBe(p.vcp_memranges[0]);
    expect(vm.vm_vcpu_list).toHaveLength(1);
    expect(vm.vm_vcpu_list[0]!.vc_seves).toBe(1);
    expect(vm.vm_vcpu_list[0]!.vc_parent).toBe(vm);
    expect(p.vcp_poscbit).toBe(51);
  });

  it("returns the error of vcpu_init", () => {
    expect(vm_create(k, vcp([r(0n, 0x1000n)]), { new_vcpu, vcpu_init: () => 12 }, { vm: null })).toBe(12);
  });
});

describe("vmm_get_guest_memtype", () => {
  const vm = vmOf([r(0n, 0xa0000n), r(0xa0000n, 0x60000n, VM_MEM_RESERVED), r(0xf0000000n, 0x1000000n, VM_MEM_MMIO)]);

  it("maps RAM and RESERVED ranges to REGULAR", () => {
    expect(vmm_get_guest_memtype(vm, 0n)).toBe(VMM_MEM_TYPE_REGULAR);
    expect(vmm_get_guest_memtype(vm, 0x9ffffn)).toBe(VMM_MEM_TYPE_REGULAR);
    expect(vmm_get_guest_memtype(vm, 0xa0000n)).toBe(VMM_MEM_TYPE_REGULAR);
  });

  it("maps an MMIO range to MMIO, up to its last byte", () => {
    expect(vmm_get_guest_memtype(vm, 0xf0000000n)).toBe(VMM_MEM_TYPE_MMIO);
    expect(vmm_get_guest_memtype(vm, 0xf0ffffffn)).toBe(VMM_MEM_TYPE_MMIO);
  });

  it("returns UNKNOWN in a gap and above the last range", () => {
    expect(vmm_get_guest_memtype(vm, 0x100000n)).toBe(VMM_MEM_TYPE_UNKNOWN);
    expect(vmm_get_guest_memtype(vm, 0xf1000000n)).toBe(VMM_MEM_TYPE_UNKNOWN);
  });

  it("stops at the first range above gpa: a later range is not seen when ranges are not ascending", () => {
    const unordered = vmOf([r(0x10000n, 0x1000n), r(0n, 0x1000n)]);
    expect(vmm_get_guest_memtype(unordered, 0x0n)).toBe(VMM_MEM_TYPE_UNKNOWN);
  });
});

describe("vmm_translate_gpa", () => {
  it("returns vmr_va plus the offset in the first range holding gpa, 0 outside", () => {
    const vm = vmOf([r(0n, 0x2000n), r(0xf0000000n, 0x1000n, VM_MEM_MMIO, 0x700000000000n)]);
    expect(vmm_translate_gpa(vm, 0x1234n)).toBe(VA + 0x1234n);
    expect(vmm_translate_gpa(vm, 0xf0000010n)).toBe(0x700000000010n);
    expect(vmm_translate_gpa(vm, 0x2000n)).toBe(0n);
  });

  it("finds a range without relying on the order", () => {
    const vm = vmOf([r(0x10000n, 0x1000n), r(0n, 0x1000n)]);
    expect(vmm_translate_gpa(vm, 0x10n)).toBe(VA + 0x10n);
  });
});

describe("vmm_gpa_is_valid", () => {
  const { vcpu } = vmFor(scenario({ guest: SEV_ES }), kernelFor(scenario({})).machine);
  vcpu.vc_parent.vm_memranges = [r(0n, 0x2000n), r(0xf0000000n, 0x1000n, VM_MEM_MMIO)];
  vcpu.vc_parent.vm_nmemranges = 2;

  it("accepts an object inside any range, MMIO included", () => {
    expect(vmm_gpa_is_valid(vcpu, 0x1000n, 32n)).toBe(1);
    expect(vmm_gpa_is_valid(vcpu, 0xf0000000n, 32n)).toBe(1);
  });

  it("rejects an object that would end exactly at the range's end (strict <)", () => {
    expect(vmm_gpa_is_valid(vcpu, 0x2000n - 32n, 32n)).toBe(0);
    expect(vmm_gpa_is_valid(vcpu, 0x2000n - 33n, 32n)).toBe(1);
  });

  it("rejects a GPA outside every range and an object larger than the range", () => {
    expect(vmm_gpa_is_valid(vcpu, 0x3000n, 12n)).toBe(0);
    expect(vmm_gpa_is_valid(vcpu, 0n, 0x3000n)).toBe(0);
  });
});
