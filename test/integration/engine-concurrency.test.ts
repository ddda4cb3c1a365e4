import { describe, expect, test, beforeAll } from 'vitest';
import { outputDigests, parseEvents, requireBuiltCli, startBuild, writePlan } from '../helpers/cli.js';
import type { PlanNode } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

/** The integration project's convention: MKB_SKIP_INTEGRATION=1 skips explicitly (the setup says so). */
const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

const shared: PlanNode[] = [
  { id: 'base', kind: 'fixture-tree', params: { seed: 'shared-base', files: 64, bytes: 24_000_000 } },
  { id: 'tools', kind: 'fixture-tree', params: { seed: 'shared-tools', files: 32, bytes: 8_000_000 } },
  { id: 'common', kind: 'fixture-merge', params: { inputs: ['base', 'tools'] } },
];

function graphFor(p: number): PlanNode[] {
  return [
    ...shared,
    { id: `own${p}`, kind: 'fixture-tree', params: { seed: `own-${p}`, files: 8, bytes: 1_000_000 } },
    { id: `image${p}`, kind: 'fixture-merge', params: { inputs: ['common', `own${p}`] } },
  ];
}

describeIntegration('concurrency', () => {
  beforeAll(requireBuiltCli);

  test('4 processes building overlapping graphs on one store all succeed and build each shared node once', async () => {
    const dir = await tempDir();
    const store = `${dir}/store`;
    const plans = await Promise.all([0, 1, 2, 3].map((p) => writePlan(dir, `plan-${p}.json`, graphFor(p))));
    const results = await Promise.all(plans.map((plan) => startBuild({ plan, store, jobs: 2 })));
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);

    const events = results.map((r) => parseEvents(r.stdout));
    for (const id of shared.map((n) => n.id)) {
      const builds = events.flat().filter((e) => e.type === 'node-done' && e.node === id && e.outcome === 'built');
      expect({ id, builds: builds.length }).toEqual({ id, builds: 1 });
    }
    // Every process saw the same outputs for the shared nodes.
    const sharedDigests = events.map((ev) => {
      const d = outputDigests(ev);
      return [d['base'], d['tools'], d['common']];
    });
    for (const d of sharedDigests) expect(d).toEqual(sharedDigests[0]);

    const s = await openTestStore(store);
    const history = s.history();
    await s.close();
    for (const id of shared.map((n) => n.id)) {
      expect({ id, built: history.filter((h) => h.node === id && h.outcome === 'built').length }).toEqual({ id, built: 1 });
    }
    expect(new Set(history.map((h) => h.pid)).size).toBe(4);
  }, 120_000);
});
