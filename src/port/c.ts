// C integer semantics for the port: uint64_t/uint32_t arithmetic that wraps, 32-bit `int` arithmetic, shifts, and
// the undefined behaviour among them, recorded through an explicit sink and then executed as x86-64 does.
/*
 * port-only. Rules encoded here (ISO/IEC 9899:2011):
 *  - §6.2.5 ¶9: unsigned arithmetic "is reduced modulo the number that is one greater than the largest value".
 *  - §6.5 ¶5: "If an exceptional condition occurs during the evaluation of an expression (that is, if the result is
 *    not mathematically defined or not in the range of representable values for its type), the behavior is
 *    undefined." (signed int overflow)
 *  - §6.5.7 ¶3: "If the value of the right operand is negative or is greater than or equal to the width of the
 *    promoted left operand, the behavior is undefined."
 *  - §6.5.7 ¶4: E1 << E2 with signed E1: defined only if E1 is nonnegative and E1 × 2^E2 is representable.
 *  - §6.5.7 ¶5: E1 >> E2 with negative signed E1 is implementation-defined (gcc and clang on amd64: arithmetic).
 *  - §6.3.1.3 ¶3: conversion of an out-of-range value to a signed type is implementation-defined (gcc: modulo 2^N).
 * After recording undefined behaviour the operation continues as the amd64 instruction a compiler emits for a
 * run-time operand does: SHL/SHR/SAR mask the count to 6 bits for 64-bit operands and 5 bits for 32-bit operands
 * (AMD APM vol 3, "SHL", "SHR", "SAR"); ADD/SUB/IMUL wrap modulo 2^32.
 */

/** Where undefined behaviour is reported: the site (file:function:expression) and what happened. */
export type UbSink = (site: string, detail: string) => void;

/** A C out-parameter (`paddr_t *pap`): the callee stores through it. */
export interface Ref<T> {
  value: T;
}

export function ref<T>(value: T): Ref<T> {
  return { value };
}

const U64 = 64;
const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;

/** (uint64_t)x: reduce modulo 2^64. */
export function u64(x: bigint): bigint {
  return BigInt.asUintN(U64, x);
}

export function u64add(a: bigint, b: bigint): bigint {
  return BigInt.asUintN(U64, a + b);
}

export function u64sub(a: bigint, b: bigint): bigint {
  return BigInt.asUintN(U64, a - b);
}

export function u64mul(a: bigint, b: bigint): bigint {
  return BigInt.asUintN(U64, a * b);
}

/** ~x on a uint64_t. */
export function u64not(x: bigint): bigint {
  return BigInt.asUintN(U64, ~x);
}

/** (uint32_t)x for a value held as a JS number. */
export function u32(x: number): number {
  return x >>> 0;
}

/** (uint32_t)x for a uint64_t: the low 32 bits. */
export function u32of64(x: bigint): number {
  return Number(BigInt.asUintN(32, x));
}

/** (uint16_t)x. */
export function u16(x: number): number {
  return x & 0xffff;
}

/** (int)x of an unsigned 32-bit value: implementation-defined above INT_MAX; gcc reduces modulo 2^32. */
export function int(x: number): number {
  return x | 0;
}

/** (uint64_t)x of an int: modulo 2^64 (a negative int becomes 2^64 + x). */
export function u64ofInt(x: number): bigint {
  return BigInt.asUintN(U64, BigInt(x));
}

/**
 * The C semantics of one run: integer operations that can be undefined report through `sink`. There is no global
 * state: each hypervisor instance owns its context.
 */
export class CContext {
  constructor(private readonly sink: UbSink) {}

  /** Records undefined behaviour at `site`. */
  ub(site: string, detail: string): void {
    this.sink(site, detail);
  }

  /** uint64_t << count (count of type int). */
  u64shl(x: bigint, count: number, site: string): bigint {
    const n = this.shiftCount(count, 64, site, `0x${u64(x).toString(16)} << ${count}`);
    return BigInt.asUintN(U64, u64(x) << BigInt(n));
  }

  /** uint64_t >> count (count of type int). */
  u64shr(x: bigint, count: number, site: string): bigint {
    const n = this.shiftCount(count, 64, site, `0x${u64(x).toString(16)} >> ${count}`);
    return u64(x) >> BigInt(n);
  }

  /** uint32_t << count. */
  u32shl(x: number, count: number, site: string): number {
    const n = this.shiftCount(count, 32, site, `0x${u32(x).toString(16)} << ${count}`);
    return (x << n) >>> 0;
  }

  /** uint32_t >> count. */
  u32shr(x: number, count: number, site: string): number {
    const n = this.shiftCount(count, 32, site, `0x${u32(x).toString(16)} >> ${count}`);
    return u32(x) >>> n;
  }

  /** int << count: undefined for a bad count, a negative left operand, or a result int cannot hold. */
  intshl(x: number, count: number, site: string): number {
    const n = this.shiftCount(count, 32, site, `${x} << ${count}`);
    if (n === count) {
      if (x < 0) this.ub(site, `left shift of negative int ${x}`);
      else if (x * 2 ** n > INT_MAX) this.ub(site, `int overflow in ${x} << ${n}`);
    }
    return (x << n) | 0;
  }

  /** int >> count: undefined for a bad count; arithmetic for a negative left operand (implementation-defined). */
  intshr(x: number, count: number, site: string): number {
    const n = this.shiftCount(count, 32, site, `${x} >> ${count}`);
    return x >> n;
  }

  intadd(a: number, b: number, site: string): number {
    return this.intResult(a + b, site, `${a} + ${b}`);
  }

  intsub(a: number, b: number, site: string): number {
    return this.intResult(a - b, site, `${a} - ${b}`);
  }

  intmul(a: number, b: number, site: string): number {
    const exact = BigInt(a) * BigInt(b);
    if (exact < BigInt(INT_MIN) || exact > BigInt(INT_MAX)) this.ub(site, `int overflow in ${a} * ${b}`);
    return Math.imul(a, b);
  }

  private intResult(exact: number, site: string, expr: string): number {
    if (exact < INT_MIN || exact > INT_MAX) this.ub(site, `int overflow in ${expr}`);
    return exact | 0;
  }

  /** Checks a shift count against the promoted width; returns the count the amd64 instruction uses. */
  private shiftCount(count: number, width: 32 | 64, site: string, expr: string): number {
    if (!Number.isInteger(count)) throw new Error(`shift count ${count} is not an integer`);
    if (count < 0 || count >= width)
      this.ub(site, `shift count ${count} out of range for ${width}-bit operand: ${expr}`);
    return count & (width - 1);
  }
}

/** A context that collects undefined behaviour into an array (for tests and for direct calls). */
export function collectingContext(): { cx: CContext; ub: { site: string; detail: string }[] } {
  const ub: { site: string; detail: string }[] = [];
  return { cx: new CContext((site, detail) => ub.push({ site, detail })), ub };
}
