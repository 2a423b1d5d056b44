// Writes the seed corpus: one scenario per named CPU profile × guest kind, on vmd's memory map of a 1 GiB guest,
// touching RAM, the MMIO BAR (twice) and the gap below it. Run: npm run corpus:seed
import { expectationsOf } from "../src/engine/expectations";
import { addToCorpus } from "../src/store/corpus";
import { vmdMemoryMap, GiB } from "../src/scenario/memory-maps";
import { profileCpu, profileNames } from "../src/scenario/profiles";
import { GUEST_KINDS, guestOfKind, type Scenario } from "../src/scenario/types";

const dir = process.argv[2] ?? "corpus";
for (const profile of profileNames()) {
  for (const kind of GUEST_KINDS) {
    const scenario: Scenario = {
      note: `seed: ${profile} host, ${kind} guest, vmd map of a 1 GiB guest; RAM, MMIO BAR twice, gap`,
      host: { cpus: [profileCpu(profile)], memEncrypt: true, decodeAssist: true, ramBytes: 64n * GiB },
      guest: guestOfKind(kind),
      memory: vmdMemoryMap(1n * GiB),
      steps: [
        { op: "access", gpa: 0x200000n, kind: "write", size: 8 },
        { op: "access", gpa: 0xf0000010n, kind: "read", size: 4 },
        { op: "access", gpa: 0xf0000010n, kind: "write", size: 4 },
        { op: "access", gpa: 0x80000000n, kind: "read", size: 4 },
      ],
    };
    const { path } = addToCorpus(dir, scenario, expectationsOf(scenario), `seed-${profile}-${kind}.json`);
    console.log(path);
  }
}
