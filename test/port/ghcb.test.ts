import { describe, expect, it } from "vitest";
import {
  GHCB_MAX,
  GHCB_RAX,
  GHCB_RBX,
  GHCB_RCX,
  GHCB_RDX,
  GHCB_SW_EXITCODE,
  GHCB_SW_EXITINFO1,
  GHCB_SW_EXITINFO2,
  GHCB_SW_SCRATCH,
  GHCB_XCR0,
  GHCB_XSS,
  ghcb_clear,
  ghcb_valbm_isset,
  ghcb_valbm_set,
  ghcb_valid,
  ghcb_verify_bm,
  new_ghcb_sa,
} from "../../src/port/ghcb";

function bm(...qwords: number[]): Uint8Array {
  const b = new Uint8Array(16);
  for (const q of qwords) ghcb_valbm_set(b, q);
  return b;
}

describe("the GHCB valid bitmap", () => {
  it("sets the bit of a quad word at offset/8: RAX (1F8h) is byte 7 bit 7", () => {
    const b = bm(GHCB_RAX);
    expect(b[7]).toBe(0x80);
    expect(ghcb_valbm_isset(b, GHCB_RAX)).not.toBe(0);
    expect(ghcb_valbm_isset(b, GHCB_RCX)).toBe(0);
  });

  it("places SW_EXITCODE, SW_EXITINFO1/2 in byte 14 bits 2..4", () => {
    expect(bm(GHCB_SW_EXITCODE, GHCB_SW_EXITINFO1, GHCB_SW_EXITINFO2)[14]).toBe(0x1c);
  });

  it("refuses a quad word beyond GHCB_MAX", () => {
    const b = new Uint8Array(16);
    expect(ghcb_valbm_set(b, GHCB_MAX + 1)).toBe(1);
    expect(ghcb_valbm_isset(b, GHCB_MAX + 1)).toBe(0);
    expect(ghcb_valbm_set(b, GHCB_XCR0)).toBe(0);
  });
});

describe("ghcb_valid", () => {
  it("needs SW_EXITCODE, SW_EXITINFO1 and SW_EXITINFO2", () => {
    const g = new_ghcb_sa();
    expect(ghcb_valid(g)).toBe(0);
    g.valid_bitmap = bm(GHCB_SW_EXITCODE, GHCB_SW_EXITINFO1);
    expect(ghcb_valid(g)).toBe(0);
    g.valid_bitmap = bm(GHCB_SW_EXITCODE, GHCB_SW_EXITINFO1, GHCB_SW_EXITINFO2);
    expect(ghcb_valid(g)).toBe(1);
  });
});

describe("ghcb_verify_bm", () => {
  it("is 0 when every expected bit is valid, 1 when one is missing", () => {
    const all = [
      GHCB_RAX,
      GHCB_RBX,
      GHCB_RCX,
      GHCB_RDX,
      GHCB_SW_EXITCODE,
      GHCB_SW_EXITINFO1,
      GHCB_SW_EXITINFO2,
      GHCB_SW_SCRATCH,
      GHCB_XCR0,
      GHCB_XSS,
    ];
    expect(ghcb_verify_bm(bm(...all), bm(...all))).toBe(0);
    for (const q of all) expect(ghcb_verify_bm(bm(...all.filter((x) => x !== q)), bm(q))).toBe(1);
    expect(ghcb_verify_bm(bm(GHCB_RAX), bm())).toBe(0);
  });
});

describe("ghcb_clear", () => {
  it("zeroes every field and the bitmap", () => {
    const g = new_ghcb_sa();
    g.v_rax = 1n;
    g.v_sw_exitcode = 0x72n;
    g.valid_bitmap = bm(GHCB_RAX);
    ghcb_clear(g);
    expect(g).toEqual(new_ghcb_sa());
  });
});
