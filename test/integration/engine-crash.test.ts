import { describe, expect, test, beforeAll } from 'vitest';
import { verifyStore } from '../../src/cache/verify-store.js';
import { outputDigests, parseEvents, requireBuiltCli, startBuild, writePlan } from '../helpers/cli.js';
import type { PlanNode } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

/** The integration project's convention: MKB_SKIP_INTEGRATION=1 skips explicitly (the setup says so). */
const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

/** A plan variant: four trees new to each run (so every run writes), two shared by all runs, plus merges. */
function variant(v: number): PlanNode[] {
  const trees: PlanNode[] = Array.from({ length: 6 }, (_, i) => ({
    id: `t${i}`, kind: 'fixture-tree', params: { seed: i < 4 ? `run${v}-t${i}` : `shared-t${i}`, files: 24, bytes: 600_000 },
  }));
  return [
    ...trees,
    { id: 'm01', kind: 'fixture-merge', params: { inputs: ['t0', 't1'] } },
    { id: 'm23', kind: 'fixture-merge', params: { inputs: ['t2', 't3'] } },
    { id: 'all', kind: 'fixture-merge', params: { inputs: ['m01', 'm23', 't4', 't5'] } },
  ];
}

describeIntegration('crash safety', () => {
  beforeAll(requireBuiltCli);

  test('50 builds SIGKILLed at random points leave a store whose every entry verifies and that builds what a fresh store builds', async () => {
    const dir = await tempDir();
    const store = `${dir}/store`;
    const killedAfter: number[] = [];
    // Calibrate: kill points are spread over the time an uninterrupted build of one variant takes here, in a
    // store that already holds the shared trees, as the killed runs' store does after its first run. The
    // fastest of three, so a slow run (cold caches, a busy machine) does not stretch the span past most
    // builds' end.
    const calibrationStore = `${dir}/calibration`;
    const warmup = await startBuild({ plan: await writePlan(dir, 'calibrate-warmup.json', variant(100)), store: calibrationStore });
    expect(warmup.exitCode, warmup.stderr).toBe(0);
    const durations: number[] = [];
    for (let c = 1; c <= 3; c++) {
      const started = Date.now();
      const calibration = await startBuild({ plan: await writePlan(dir, `calibrate-${c}.json`, variant(100 + c)), store: calibrationStore });
      expect(calibration.exitCode, calibration.stderr).toBe(0);
      durations.push(Date.now() - started);
    }
    const span = Math.min(...durations) * 1.1;
    for (let run = 0; run < 50; run++) {
      const plan = await writePlan(dir, `plan-${run}.json`, variant(run));
      const child = startBuild({ plan, store });
      const delay = Math.floor(Math.random() * span);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const result = await child;
      clearTimeout(timer);
      if (result.signal === 'SIGKILL') killedAfter.push(delay);
      else expect(result.exitCode, result.stderr).toBe(0);
    }
    // Most runs must really have been killed mid-way, or the test proves nothing.
    expect(killedAfter.length).toBeGreaterThan(25);

    const s = await openTestStore(store);
    const verified = await verifyStore(s);
    expect(verified.dropped).toEqual([]);
    expect(verified.checked).toBeGreaterThan(0);
    await s.close();

    const finalPlan = await writePlan(dir, 'final.json', variant(3));
    const crashed = await startBuild({ plan: finalPlan, store });
    const fresh = await startBuild({ plan: finalPlan, store: `${dir}/fresh` });
    expect(crashed.exitCode, crashed.stderr).toBe(0);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    const digests = outputDigests(parseEvents(crashed.stdout));
    expect(Object.keys(digests)).toHaveLength(9);
    expect(digests).toEqual(outputDigests(parseEvents(fresh.stdout)));
  }, 180_000);
});
