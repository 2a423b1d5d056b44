// Preloaded (node --require) into the coverage fuzzer's processes: Math.random becomes a seeded generator, so the
// fuzzer's mutations, and with them its findings, follow from the campaign seed.
import seedrandom from "seedrandom";

const seed = process.env.VMM_DIFFFUZZ_RANDOM_SEED;
if (seed !== undefined) Math.random = seedrandom.alea(seed);
