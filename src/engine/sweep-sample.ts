// A sample of the sweep: every `stride`-th point of its profile space, each through the same probes. A stride
// coprime to 64 varies the C-bit, the reduction and PhysAddrSize from one point to the next, so a small budget
// still spreads over the whole space (a shard of the sweep is one contiguous block of it).
import type { Engine } from "./campaign";
import { SWEEP_POINTS, probeOrigin, probeSteps, sweepCpu, sweepPoint, sweepScenario } from "./sweep";

export function sweepSampleEngine(stride: number): Engine {
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`sweep sample: stride ${stride}`);
  return (ctx) => {
    for (let i = 0; i < SWEEP_POINTS; i += stride) {
      const p = sweepPoint(i);
      const cpu = sweepCpu(p);
      for (const probe of probeSteps(p.kind)) {
        if (ctx.shouldStop()) return;
        ctx.execute(sweepScenario(p, probe.steps, cpu), probeOrigin(i, p, probe.name));
      }
    }
  };
}

/** How many points a sample of `stride` runs. */
export function sweepSamplePoints(stride: number): number {
  return Math.ceil(SWEEP_POINTS / stride);
}
