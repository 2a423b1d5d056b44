// Raw fuzzer bytes to a scenario: the scenario space (space/) read from a byte string instead of a PRNG, so a
// coverage-guided fuzzer's mutations map onto choices. Total (every byte string gives a scenario), deterministic,
// and in the space's order: the first bytes choose the CPUs, then the host and guest, the memory map, the steps.
// A choice reads as few bytes as its range needs (big-endian); past the end every byte reads 0, which is option 0
// or the minimum of every choice, so short inputs give the simplest scenarios.
import { cumulative, type Gen, type Node } from "./gen";
import { resolveGeneratorOptions, scenarioGen, type GeneratorOptions } from "./space";
import type { Scenario } from "./types";

/** A cursor over the input; reads past the end give 0. */
export class ByteReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** An unsigned number from the next `count` bytes (1..4), big-endian. */
  read(count: number): number {
    let n = 0;
    for (let i = 0; i < count; i++) n = n * 256 + (this.bytes[this.pos++] ?? 0);
    return n;
  }

  /** Bytes consumed so far (may exceed the input's length). */
  get consumed(): number {
    return this.pos;
  }
}

/** Bytes needed to choose among `span` values. */
function bytesFor(span: number): number {
  return span <= 0x100 ? 1 : span <= 0x10000 ? 2 : span <= 0x1000000 ? 3 : 4;
}

type Read = (input: ByteReader) => unknown;

function compile(node: Node, cache: Map<Node, Read>): Read {
  const known = cache.get(node);
  if (known) return known;
  const read = compileNode(node, cache);
  cache.set(node, read);
  return read;
}

function compileNode(node: Node, cache: Map<Node, Read>): Read {
  switch (node.kind) {
    case "int": {
      const { min } = node;
      const span = node.max - node.min + 1;
      const count = bytesFor(span);
      return span === 1 ? () => min : (input) => min + (input.read(count) % span);
    }
    case "constant": {
      const value = node.value;
      return () => value;
    }
    case "oneof": {
      const reads = node.options.map((o) => compile(o, cache));
      const cum = cumulative(node.weights);
      const total = cum[cum.length - 1]!;
      const count = bytesFor(total);
      return (input) => {
        const r = input.read(count) % total;
        let i = 0;
        while (r >= cum[i]!) i++;
        return reads[i]!(input);
      };
    }
    case "tuple": {
      const reads = node.items.map((o) => compile(o, cache));
      return (input) => reads.map((read) => read(input));
    }
    case "record": {
      const reads = node.items.map((o) => compile(o, cache));
      const keys = node.keys;
      return (input) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) out[keys[i]!] = reads[i]!(input);
        return out;
      };
    }
    case "array": {
      const read = compile(node.item, cache);
      const { min } = node;
      const span = node.max - node.min + 1;
      const count = bytesFor(span);
      return (input) => {
        const length = span === 1 ? min : min + (input.read(count) % span);
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) out[i] = read(input);
        return out;
      };
    }
    case "map": {
      const read = compile(node.from, cache);
      const f = node.f;
      return (input) => f(read(input));
    }
  }
}

/** A decoder of byte strings into values of a description. */
export function compileDecoder<T>(gen: Gen<T>): (bytes: Uint8Array) => T {
  const read = compile(gen, new Map());
  return (bytes) => read(new ByteReader(bytes)) as T;
}

/** A reusable decoder of fuzzer inputs into scenarios (build once, call per input). */
export function scenarioDecoder(options?: Partial<GeneratorOptions>): (bytes: Uint8Array) => Scenario {
  return compileDecoder(scenarioGen(resolveGeneratorOptions(options)));
}

/** One fuzzer input as a scenario (builds the decoder each call: prefer scenarioDecoder in a loop). */
export function decodeBytes(bytes: Uint8Array, options?: Partial<GeneratorOptions>): Scenario {
  return scenarioDecoder(options)(bytes);
}
