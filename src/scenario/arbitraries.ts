// fast-check arbitraries for the scenario space (space/): the same choices and weights as the seeded sampler,
// generated without fast-check's own bias, and shrinking toward option 0 of every choice (one CPU of a real
// profile, fewest ranges, fewest steps).
import fc from "fast-check";
import type { Gen, Node } from "./gen";
import { cpuFromFields, type CpuFields } from "./profiles";
import {
  cpuFieldsGen,
  cpusFieldsGen,
  memoryMapGen,
  resolveGeneratorOptions,
  resolveSteps,
  scenarioGen,
  stepPlansGen,
  type GeneratorOptions,
} from "./space";
import type { GuestKind, HostCpu, MemRange, Scenario, Step } from "./types";

export { DEFAULT_GENERATOR_OPTIONS, resolveGeneratorOptions, type GeneratorOptions } from "./space";

const ONEOF_CONSTRAINTS: fc.OneOfConstraints = { withCrossShrink: true, depthSize: "max" };

/**
 * Arrays: length uniform in [min, max] and independent items, as the sampler draws them. Shrinking tries fewer
 * items first (the back half, the front half, then each single item), then simpler items one at a time. (fc.array
 * does not try removing every single item, so a failing step in the middle could survive shrinking.)
 */
class ListArbitrary<T> extends fc.Arbitrary<T[]> {
  constructor(
    private readonly item: fc.Arbitrary<T>,
    private readonly min: number,
    private readonly max: number,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T[]> {
    const length = mrng.nextInt(this.min, this.max);
    const items: fc.Value<T>[] = [];
    for (let i = 0; i < length; i++) items.push(this.item.generate(mrng, biasFactor));
    return ListArbitrary.wrap(items);
  }

  private static wrap<T>(items: fc.Value<T>[]): fc.Value<T[]> {
    return new fc.Value(
      items.map((v) => v.value),
      items,
    );
  }

  canShrinkWithoutContext(_value: unknown): _value is T[] {
    return false;
  }

  shrink(_value: T[], context: unknown): fc.Stream<fc.Value<T[]>> {
    const items = context as fc.Value<T>[] | undefined;
    if (items === undefined) return fc.Stream.nil();
    return fc.stream(this.candidates(items));
  }

  private *candidates(items: fc.Value<T>[]): Generator<fc.Value<T[]>> {
    const n = items.length;
    const half = n >> 1;
    if (n >= 2 && n - half >= this.min) {
      yield ListArbitrary.wrap(items.slice(0, n - half));
      yield ListArbitrary.wrap(items.slice(half));
    }
    if (n - 1 >= this.min) {
      for (let i = n - 1; i >= 0; i--) yield ListArbitrary.wrap([...items.slice(0, i), ...items.slice(i + 1)]);
    }
    for (let i = 0; i < n; i++) {
      for (const smaller of this.item.shrink(items[i]!.value, items[i]!.context)) {
        yield ListArbitrary.wrap([...items.slice(0, i), smaller, ...items.slice(i + 1)]);
      }
    }
  }
}

function build(node: Node, cache: Map<Node, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const known = cache.get(node);
  if (known) return known;
  const arb = buildNode(node, cache);
  cache.set(node, arb);
  return arb;
}

function buildNode(node: Node, cache: Map<Node, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case "int":
      return fc.integer({ min: node.min, max: node.max });
    case "constant":
      return fc.constant(node.value);
    case "oneof":
      return fc.oneof(
        ONEOF_CONSTRAINTS,
        ...node.options.map((o, i) => ({ arbitrary: build(o, cache), weight: node.weights[i]! })),
      );
    case "tuple":
      return fc.tuple(...node.items.map((o) => build(o, cache)));
    case "record": {
      const keys = node.keys;
      return fc.tuple(...node.items.map((o) => build(o, cache))).map((values) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i];
        return out;
      });
    }
    case "array":
      return new ListArbitrary(build(node.item, cache), node.min, node.max);
    case "map":
      return build(node.from, cache).map(node.f);
  }
}

/**
 * The arbitrary of a description. Generation is unbiased (fc.noBias) so values follow the description's weights
 * exactly, as the sampler draws them.
 */
export function arbitraryOf<T>(gen: Gen<T>): fc.Arbitrary<T> {
  return fc.noBias(build(gen, new Map()) as fc.Arbitrary<T>);
}

/** Whole scenarios. */
export function scenarioArbitrary(options?: Partial<GeneratorOptions>): fc.Arbitrary<Scenario> {
  return arbitraryOf(scenarioGen(resolveGeneratorOptions(options)));
}

/** One host CPU's structured fields (an exact profile comes as the shared, frozen PROFILES entry). */
export function cpuFieldsArbitrary(options?: Partial<GeneratorOptions>): fc.Arbitrary<Readonly<CpuFields>> {
  return arbitraryOf(cpuFieldsGen(resolveGeneratorOptions(options)));
}

/** One host CPU. */
export function cpuArbitrary(options?: Partial<GeneratorOptions>): fc.Arbitrary<HostCpu> {
  return cpuFieldsArbitrary(options).map(cpuFromFields);
}

/** The host CPUs of a scenario (1..maxCpus). */
export function cpusArbitrary(options?: Partial<GeneratorOptions>): fc.Arbitrary<HostCpu[]> {
  return arbitraryOf(cpusFieldsGen(resolveGeneratorOptions(options))).map((fs) => fs.map(cpuFromFields));
}

/** A memory map (invalid ones only with `invalidMaps`). */
export function memoryMapArbitrary(options?: Partial<GeneratorOptions>): fc.Arbitrary<MemRange[]> {
  return arbitraryOf(memoryMapGen(resolveGeneratorOptions(options)));
}

/** Steps for a given map, guest kind, number of host CPUs and of vcpus. */
export function stepsArbitrary(
  memory: readonly MemRange[],
  kind: GuestKind,
  cpuCount = 1,
  options?: Partial<GeneratorOptions>,
  vcpus = 1,
): fc.Arbitrary<Step[]> {
  return arbitraryOf(stepPlansGen(resolveGeneratorOptions(options))).map((plans) =>
    resolveSteps(plans, memory, kind === "sev-es", cpuCount, vcpus),
  );
}
