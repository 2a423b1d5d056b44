// What a variant of the port is: one tree (the functions its diff changes) and the hypervisor factory built on it.
import type { HypervisorFactory } from "../../cpu/hypervisor";
import { portFactory } from "../hypervisor";
import type { Tree } from "../kernel";

export interface PortVariant {
  readonly name: string;
  /** One line: which tree this is. */
  readonly description: string;
  readonly tree: Tree;
  /** `(machine, scenario) => Hypervisor` whose name is the variant's name. */
  readonly factory: HypervisorFactory;
}

export function portVariant(description: string, tree: Tree): PortVariant {
  return Object.freeze({ name: tree.name, description, tree, factory: portFactory(tree) });
}
