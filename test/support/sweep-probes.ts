// The sweep's points and probe scenarios, as the loop fixture reads them.
import { probeSteps, SWEEP_POINTS, sweepCpu, sweepPoint, sweepScenario } from "../../src/engine/sweep";
import type { GuestKind } from "../../src/scenario/types";

export { SWEEP_POINTS, sweepCpu, sweepPoint, sweepScenario };

export const PROBES_OF = (kind: GuestKind) => probeSteps(kind);
