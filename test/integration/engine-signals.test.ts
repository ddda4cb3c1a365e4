import { describe, expect, test, beforeAll } from 'vitest';
import { verifyStore } from '../../src/cache/verify-store.js';
import type { BuildEvent } from '../../src/report/events.js';
import { parseEvents, requireBuiltCli, startBuild, writePlan } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

/** The integration project's convention: MKB_SKIP_INTEGRATION=1 skips explicitly (the setup says so). */
const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

describeIntegration('cancellation', () => {
  beforeAll(requireBuiltCli);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} cancels running nodes, exits 130, and leaves a consistent store`, async () => {
      const dir = await tempDir();
      const nodes = Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, kind: 'fixture-tree' as const, params: { seed: `sig-${i}`, files: 400, bytes: 40_000_000 } }));
      const plan = await writePlan(dir, 'plan.json', nodes);
      const child = startBuild({ plan, store: `${dir}/store`, jobs: 2 });
      // Wait until a node runs, then signal.
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stdout.on('data', (chunk: Buffer) => {
          seen += String(chunk);
          if (seen.includes('"node-start"')) resolve();
        });
      });
      child.kill(signal);
      const result = await child;
      expect(result.exitCode, result.stderr).toBe(130);
      const events: BuildEvent[] = parseEvents(result.stdout);
      const done = events.at(-1);
      expect(done).toMatchObject({ type: 'build-done', ok: false });
      expect(events.some((e) => e.type === 'node-skipped' || (e.type === 'build-done' && e.failed > 0))).toBe(true);
      const store = await openTestStore(`${dir}/store`);
      expect((await verifyStore(store)).dropped).toEqual([]);
      await store.close();
    }, 120_000);
  }
});
