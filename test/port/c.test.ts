import { describe, expect, it } from "vitest";
import {
  CContext,
  collectingContext,
  int,
  ref,
  u16,
  u32,
  u32of64,
  u64,
  u64add,
  u64mul,
  u64not,
  u64ofInt,
  u64sub,
} from "../../src/port/c";

const MAX64 = (1n << 64n) - 1n;

describe("uint64_t arithmetic", () => {
  it("wraps modulo 2^64", () => {
    expect(u64add(MAX64, 1n)).toBe(0n);
    expect(u64sub(0n, 1n)).toBe(MAX64);
    expect(u64mul(1n << 63n, 2n)).toBe(0n);
    expect(u64not(0xfffn)).toBe(0xfffffffffffff000n);
    expect(u64(-1n)).toBe(MAX64);
  });

  it("converts int to uint64_t modulo 2^64", () => {
    expect(u64ofInt(-1)).toBe(MAX64);
    expect(u64ofInt(5)).toBe(5n);
  });

  it("narrows to 32 and 16 bits", () => {
    expect(u32of64(0x1_2345_6789n)).toBe(0x23456789);
    expect(u32(-1)).toBe(0xffffffff);
    expect(u16(0x12345)).toBe(0x2345);
  });

  it("converts an unsigned value above INT_MAX to int modulo 2^32 (gcc)", () => {
    expect(int(0xffffffff)).toBe(-1);
    expect(int(0x80000000)).toBe(-0x80000000);
    expect(int(0x7fffffff)).toBe(0x7fffffff);
  });

  it("passes out-parameters by reference", () => {
    const r = ref(0n);
    r.value = 5n;
    expect(r.value).toBe(5n);
  });
});

describe("shifts", () => {
  it("shifts a uint64_t by 0..63 without undefined behaviour", () => {
    const { cx, ub } = collectingContext();
    expect(cx.u64shl(1n, 0, "s")).toBe(1n);
    expect(cx.u64shl(1n, 63, "s")).toBe(1n << 63n);
    expect(cx.u64shl(3n, 63, "s")).toBe(1n << 63n);
    expect(cx.u64shr(MAX64, 63, "s")).toBe(1n);
    expect(ub).toEqual([]);
  });

  it("flags a uint64_t shift by 64 and continues with the count masked to 6 bits", () => {
    const { cx, ub } = collectingContext();
    expect(cx.u64shl(0x3fn, 64, "site-a")).toBe(0x3fn);
    expect(cx.u64shl(1n, 70, "site-a")).toBe(1n << 6n);
    expect(ub).toHaveLength(2);
    expect(ub[0]!.site).toBe("site-a");
    expect(ub[0]!.detail).toMatch(/shift count 64 out of range for 64-bit operand/);
  });

  it("flags a negative shift count and uses count & 63 as SHL does", () => {
    const { cx, ub } = collectingContext();
    expect(cx.u64shl(1n, -1, "neg")).toBe(1n << 63n);
    expect(cx.u64shr(1n << 63n, -1, "neg")).toBe(1n);
    expect(ub.map((u) => u.site)).toEqual(["neg", "neg"]);
  });

  it("flags 32-bit shifts by 32 or more and masks the count to 5 bits", () => {
    const { cx, ub } = collectingContext();
    expect(cx.u32shr(0x80000000, 31, "ok")).toBe(1);
    expect(cx.u32shr(0x80000000, 32, "bad")).toBe(0x80000000);
    expect(cx.u32shl(1, 33, "bad")).toBe(2);
    expect(ub.map((u) => u.site)).toEqual(["bad", "bad"]);
  });

  it("flags an int left shift of a negative value or into the sign bit", () => {
    const { cx, ub } = collectingContext();
    expect(cx.intshl(1, 30, "ok")).toBe(0x40000000);
    expect(ub).toEqual([]);
    expect(cx.intshl(1, 31, "overflow")).toBe(-0x80000000);
    expect(cx.intshl(-1, 1, "negative")).toBe(-2);
    expect(cx.intshl(1, 32, "count")).toBe(1);
    expect(ub.map((u) => u.site)).toEqual(["overflow", "negative", "count"]);
  });

  it("shifts a negative int right arithmetically without flagging it (implementation-defined)", () => {
    const { cx, ub } = collectingContext();
    expect(cx.intshr(-8, 1, "s")).toBe(-4);
    expect(ub).toEqual([]);
    cx.intshr(1, -1, "s");
    expect(ub).toHaveLength(1);
  });

  it("rejects a non-integer count as a bug of the caller", () => {
    const { cx } = collectingContext();
    expect(() => cx.u64shl(1n, 1.5, "s")).toThrow(/not an integer/);
  });
});

describe("signed int overflow", () => {
  it("flags overflow of +, - and * and wraps modulo 2^32", () => {
    const { cx, ub } = collectingContext();
    expect(cx.intadd(0x7fffffff, 1, "add")).toBe(-0x80000000);
    expect(cx.intsub(-0x80000000, 1, "sub")).toBe(0x7fffffff);
    expect(cx.intmul(0x10000, 0x10000, "mul")).toBe(0);
    expect(ub.map((u) => u.site)).toEqual(["add", "sub", "mul"]);
  });

  it("leaves in-range results alone", () => {
    const { cx, ub } = collectingContext();
    expect(cx.intsub(0, 255, "s")).toBe(-255);
    expect(cx.intadd(-5, 3, "s")).toBe(-2);
    expect(cx.intmul(-3, 7, "s")).toBe(-21);
    expect(ub).toEqual([]);
  });
});

describe("the undefined-behaviour sink", () => {
  it("belongs to one context: contexts do not share reports", () => {
    const a: string[] = [];
    const b: string[] = [];
    const ca = new CContext((site) => a.push(site));
    const cb = new CContext((site) => b.push(site));
    ca.u64shl(1n, 64, "a");
    cb.u64shl(1n, 1, "b");
    expect(a).toEqual(["a"]);
    expect(b).toEqual([]);
  });

  it("reports through ub() directly", () => {
    const { cx, ub } = collectingContext();
    cx.ub("x", "y");
    expect(ub).toEqual([{ site: "x", detail: "y" }]);
  });
});
