// Whether a step of a generated sequence is aimed as the sequence says, read back from the steps (tests only).
import type { SEQUENCES } from "../../src/scenario/space";
import type { Step } from "../../src/scenario/types";

export type Sequence = (typeof SEQUENCES)[number];

const page = (gpa: bigint) => gpa & ~0xfffn;

/** Whether step `at` has the op and the GPA its aim asks for, relative to the steps before. */
export function aimHolds(steps: readonly Step[], at: number, [op, aim]: Sequence[number]): boolean {
  const s = steps[at]!;
  if (s.op !== op) return false;
  if (aim === "same") return page(s.gpa) === page(steps[at - 1]!.gpa);
  if (aim === "two-back") return s.gpa === steps[at - 2]!.gpa;
  if (aim === "three-back") return s.gpa === steps[at - 3]!.gpa;
  if (aim === "last-32") return s.gpa === page(steps[at - 1]!.gpa) + 0xfe0n;
  if (aim === "crossing") return s.gpa === page(steps[at - 1]!.gpa) + 0xffcn;
  return true;
}
