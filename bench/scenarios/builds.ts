// The side-by-side image builds S1–S5 on bench/configs/debian-systemd. A scenario is its un-timed preparation
// of one side for one round, returning the options of the timed build; both sides get the same preparation.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildSide } from '../builds/build-side.js';
import { ADDED_PACKAGES, type BuildWorkspace } from '../builds/workspace.js';
import type { PairScenario } from '../harness/types.js';

export interface BuildScenario {
  readonly id: string;
  readonly title: string;
  /** The most mkb may take as a fraction of mkosi's time (issue 4's targets). */
  readonly goal: number;
  /** Un-timed work on one side before its timed build in `round`; returns that build's extra options. */
  prepare(side: BuildSide, round: number): Promise<readonly string[]>;
}

/** A new content of the extra tree's file, so each round's change is one neither tool has built before. */
async function changeExtraFile(side: BuildSide): Promise<void> {
  await writeFile(join(side.config, 'mkosi.extra/etc/bench-extra'), `changed by the benchmark: ${randomUUID()}\n`);
}

const BUILD_SCENARIOS: readonly BuildScenario[] = [
  {
    id: 'S1-cold', title: 'S1 cold build (empty build caches, warm package cache)', goal: 0.8,
    prepare: async (side) => { await side.reset(); return []; },
  },
  {
    id: 'S2-noop', title: 'S2 no-op rebuild of the same config', goal: 0.1,
    prepare: async (side, round) => { if (round === 0) await side.build(); return []; },
  },
  {
    id: 'S3-extra', title: 'S3 one file in mkosi.extra/ changed', goal: 0.3,
    prepare: async (side, round) => { if (round === 0) await side.build(); await changeExtraFile(side); return []; },
  },
  {
    id: 'S4-package', title: 'S4 one package added (--package)', goal: 0.3,
    // The preparation build puts both tools back on the config without the package.
    prepare: async (side, round) => {
      const added = ADDED_PACKAGES[round];
      if (added === undefined) throw new Error(`S4 has ${ADDED_PACKAGES.length} packages to add, one per round; ask for fewer rounds`);
      await side.build();
      return [`--package=${added}`];
    },
  },
  {
    id: 'S5-format', title: 'S5 Format=tar after a directory build', goal: 0.3,
    // A fresh extra file first, so that neither tool has this tree's tar yet.
    prepare: async (side) => { await changeExtraFile(side); await side.build(); return ['--format=tar']; },
  },
];

/** The build scenarios as pair scenarios over one workspace, created by the first scenario that runs. */
export function buildScenarios(workspace: () => Promise<BuildWorkspace>): PairScenario[] {
  return BUILD_SCENARIOS.map((s) => ({
    id: s.id, title: s.title, rounds: { quick: 1, full: 3 }, goal: s.goal,
    async setup() {
      const ws = await workspace();
      const source = (side: BuildSide) => async (round: number) => side.command(await s.prepare(side, round));
      return { mkb: source(ws.mkb), mkosi: source(ws.mkosi) };
    },
  }));
}
