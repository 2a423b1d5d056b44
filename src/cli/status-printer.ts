// Prints a campaign's status updates on stderr: one line each, or on a terminal the PULSE line redrawn in place
// behind a progress bar (NEW lines stay in the scrollback).
import type { CampaignStatus } from "../engine/driver/fuzz-campaign";
import { fitLine, statusLine } from "../report/progress";
import { fractionDone, progressBar } from "../report/progress-bar";
import type { Io } from "./io";

export function statusPrinter(io: Io): (s: CampaignStatus) => void {
  return ({ tag, stats, elapsedMs, timeMs, runsBound }) => {
    const line = statusLine(tag, stats, elapsedMs);
    const fraction = fractionDone(elapsedMs, timeMs, stats.execs, runsBound);
    if (!io.errIsTty) io.err(`${line}\n`);
    else if (tag === "NEW") io.err(`\r\x1b[K${line}\n`);
    else {
      const bar = fraction === null ? "" : `${progressBar(fraction, elapsedMs, 12)} `;
      io.err(`\r\x1b[K${fitLine(bar + line, io.errColumns)}`);
    }
  };
}
