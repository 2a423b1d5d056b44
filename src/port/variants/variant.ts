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
  /**
   * The reference it is compared with by default: `reference`, or `reference-smp` for a what-if whose vmm contract
   * differs; and whether the tree before the patch is its baseline (not for a what-if it cannot run alike).
   */
  readonly against: "reference" | "reference-smp";
  readonly prePatchBaseline: boolean;
}

export function portVariant(
  description: string,
  tree: Tree,
  options: { against?: PortVariant["against"]; prePatchBaseline?: boolean } = {},
): PortVariant {
  return Object.freeze({
    name: tree.name,
    description,
    tree,
    factory: portFactory(tree),
    against: options.against ?? "reference",
    prePatchBaseline: options.prePatchBaseline ?? true,
  });
}
