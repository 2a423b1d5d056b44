// Messages between the main thread and the fuzz workers (structured clone carries Map, Set and bigint).
import type { CampaignStats } from "./campaign";
import type { MapPanel } from "./divergence-map";
import type { SessionNew, SessionOptions } from "./session";
import type { SignatureSpread } from "./sweep-map";

export interface WorkerInput {
  session: SessionOptions;
  impl: string;
  against: string;
  /** Signatures already recorded (crash stores, corpus expectations) for this pair of implementations. */
  known: string[];
}

export type WorkerMessage =
  | { type: "new"; found: SessionNew; execs: number }
  | { type: "progress"; execs: number }
  | {
      type: "done";
      stats: CampaignStats;
      spread: Map<string, SignatureSpread> | null;
      map: MapPanel[] | null;
    }
  | { type: "error"; message: string };
