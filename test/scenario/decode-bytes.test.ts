import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { ByteReader, compileDecoder, decodeBytes, scenarioDecoder } from "../../src/scenario/decode-bytes";
import { int, oneof, pick, tuple } from "../../src/scenario/gen";
import { PROFILES } from "../../src/scenario/profiles";
import { contractProblems, resolveGeneratorOptions } from "../../src/scenario/space";

const decode = scenarioDecoder();
const bytes = (...values: number[]) => Uint8Array.from(values);

describe("decodeBytes", () => {
  it("is total: every byte string gives a scenario that keeps the generator contract", () => {
    const options = resolveGeneratorOptions();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        expect(contractProblems(decode(input), options)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it("is total with invalid maps requested too, flagging them", () => {
    const options = resolveGeneratorOptions({ invalidMaps: true });
    const decodeInvalid = scenarioDecoder(options);
    let flagged = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (input) => {
        const s = decodeInvalid(input);
        expect(contractProblems(s, options)).toEqual([]);
        if (s.invalidMemory) flagged++;
      }),
      { numRuns: 500, seed: 1 },
    );
    // fc.uint8Array favours short and zero-filled inputs, which decode to valid maps (option 0).
    expect(flagged).toBeGreaterThan(5);
    // CPU shape, CPU kind, profile, memEncrypt, decodeAssist, guest kind, vcpus, then the map: option 11 of 12.
    expect(decodeInvalid(bytes(0, 0, 0, 0, 0, 0, 0, 11)).invalidMemory).toBe(true);
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (input) => {
        expect(decode(input)).toEqual(decode(Uint8Array.from(input)));
        expect(decodeBytes(input)).toEqual(decode(input));
      }),
      { numRuns: 200 },
    );
  });

  it("gives the simplest scenario for empty input: the patch author's CPU, one RAM page, one 1-byte read", () => {
    expect(decode(new Uint8Array(0))).toEqual({
      host: { cpus: [PROFILES["epyc-9124"].cpu], memEncrypt: true, decodeAssist: true, ramBytes: 64n << 30n },
      guest: { sev: true, sevEs: true },
      memory: [{ gpa: 0n, size: 0x1000n, type: "ram" }],
      steps: [{ op: "access", gpa: 0n, kind: "read", size: 1 }],
    });
  });

  it("gives one step for inputs of up to 8 bytes (the step count is read after them)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (input) => {
        expect(decode(input).steps).toHaveLength(1);
      }),
    );
  });

  it("reads missing bytes as zeros: trailing zero bytes change nothing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (input, zeros) => {
        const padded = new Uint8Array(input.length + zeros);
        padded.set(input);
        expect(decode(padded)).toEqual(decode(input));
      }),
      { numRuns: 200 },
    );
  });

  it("chooses the CPUs from the first bytes: later bytes never change them", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 400, maxLength: 400 }),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        (head, tail) => {
          const joined = new Uint8Array(head.length + tail.length);
          joined.set(head);
          joined.set(tail, head.length);
          expect(decode(joined).host.cpus).toEqual(decode(head).host.cpus);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("chooses the CPU list's shape with the first byte (weights 5:3:2:1 over 11)", () => {
    expect(decode(bytes(4)).host.cpus).toHaveLength(1);
    expect(decode(bytes(5)).host.cpus).toHaveLength(2);
    expect(decode(bytes(5, 0, 0, 2)).host.cpus).toHaveLength(4);
  });
});

describe("compileDecoder", () => {
  it("reads choices big-endian with as few bytes as their range needs", () => {
    const read = compileDecoder(tuple(int(0, 255), int(0, 0xffff), int(5, 5), int(0, 0xffffffff)));
    expect(read(bytes(7, 1, 2, 0xde, 0xad, 0xbe, 0xef))).toEqual([7, 0x0102, 5, 0xdeadbeef]);
    expect(read(bytes(7))).toEqual([7, 0, 5, 0]);
  });

  it("maps a byte onto weighted options, option 0 for zero", () => {
    const read = compileDecoder(pick([1, "a"], [2, "b"], [1, "c"]));
    expect([0, 1, 2, 3, 4].map((b) => read(bytes(b)))).toEqual(["a", "b", "b", "c", "a"]);
    expect(read(bytes())).toBe("a");
  });

  it("reads two bytes for a choice among more than 256 weight units", () => {
    const read = compileDecoder(tuple(oneof([300, int(0, 0)], [300, int(1, 1)]), int(0, 255)));
    expect(read(bytes(0x01, 0x2c, 9))).toEqual([1, 9]);
  });

  it("counts the bytes it consumed, past the end too", () => {
    const r = new ByteReader(bytes(1, 2));
    expect(r.read(3)).toBe(0x010200);
    expect(r.consumed).toBe(3);
  });
});
