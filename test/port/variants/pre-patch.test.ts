import { describe, expect, it } from "vitest";
import { identifycpu } from "../../../src/port/identcpu";
import { svm_handle_np_fault } from "../../../src/port/vmm_machdep";
import { prePatch } from "../../../src/port/variants/pre-patch";

describe("the pre-patch variant", () => {
  it("is the unpatched tree: identcpu.ts identifycpu and vmm_machdep.ts svm_handle_np_fault", () => {
    expect(prePatch.name).toBe("pre-patch");
    expect(prePatch.tree.identifycpu).toBe(identifycpu);
    expect(prePatch.tree.svm_handle_np_fault).toBe(svm_handle_np_fault);
  });
});
