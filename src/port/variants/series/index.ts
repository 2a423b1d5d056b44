// The patch series, in order: one variant per prefix (series-N is the tree with patches 0001..N applied).
import type { PortVariant } from "../variant";
import { series1 } from "./0001-cbit-all-cpus";
import { series2 } from "./0002-pa-rsvd-mask";
import { series3 } from "./0003-seves-needs-rsvd-bits";
import { series4 } from "./0004-gpa-is-valid-no-mmio";
import { series5 } from "./0005-ghcb-guest-memory";
import { series6 } from "./0006-ghcb-every-vmgexit";
import { series7 } from "./0007-npf-mmio-rsvd-bits";
import { series8 } from "./0008-mmio-nae-to-vmd";

/** series-1 … series-8: prefix N of the series. */
export const SERIES_PREFIXES: readonly PortVariant[] = [
  series1,
  series2,
  series3,
  series4,
  series5,
  series6,
  series7,
  series8,
];

/** The diff file of each patch, in order (beside this file): prefix N is patches 1..N. */
export const SERIES_PATCHES: readonly string[] = [
  "0001-cbit-all-cpus.diff",
  "0002-pa-rsvd-mask.diff",
  "0003-seves-needs-rsvd-bits.diff",
  "0004-gpa-is-valid-no-mmio.diff",
  "0005-ghcb-guest-memory.diff",
  "0006-ghcb-every-vmgexit.diff",
  "0007-npf-mmio-rsvd-bits.diff",
  "0008-mmio-nae-to-vmd.diff",
];
