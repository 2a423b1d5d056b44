// Where a finding came from: enough to run its engine again up to the scenario that first showed it.

/** fast-check's replay of one generated value: `fc.check(property, { seed, path })` runs that value first. */
export interface FastCheckReplay {
  seed: number;
  path: string;
}

/** One part of the work, `index` of `count`: a shard of the campaign, or a worker thread of a shard. */
export interface Part {
  index: number;
  count: number;
}

export interface FindingOrigin {
  engine: string;
  /** The seed the campaign was given (the finding file's `found.seed`). */
  campaignSeed: number;
  /** The seed of the part that found it: random and property draw from it. */
  seed: number;
  /** The shard of the campaign (the sweep: its block of the profile space), before the split into workers. */
  shard: Part;
  /** The worker thread of that shard (0 of 1 when the campaign ran in one thread). */
  worker: Part;
  /** Scenarios that part had run when it first hit the signature (1-based). */
  execs: number;
  /** The engine's words for the scenario: the random draw's index, the sweep's point and probe, the input's hash. */
  label: string;
  /** How fast-check replays it (the property engine only). */
  fastCheck: FastCheckReplay | null;
}
