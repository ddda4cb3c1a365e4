import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mountOverlay } from '../../src/cache/overlay.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

/** The integration project's convention: MKB_SKIP_INTEGRATION=1 skips explicitly (the setup says so). */
const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

const preimage: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };

describeIntegration('overlay materialization', () => {
  test('an add-only stage writes into its upper layer and never into the store tree below it', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts overlayfs and must run as root');
    const store = await openTestStore(await tempDir());
    const dir = await store.newStagingDir();
    await writeFile(join(dir, 'base.txt'), 'base');
    const record = await store.commitTree({ key: 'c'.repeat(64) as NodeKey, dir, kind: 'k', preimage, durationMs: 1, cache: true });
    const lower = await store.readOnlyTree(record.digest);
    const work = await store.newStagingDir();
    const unmount = await mountOverlay({ lowers: [lower], upper: join(work, 'upper'), work: join(work, 'work'), target: join(work, 'merged') });
    try {
      expect(await readFile(join(work, 'merged', 'base.txt'), 'utf8')).toBe('base');
      await writeFile(join(work, 'merged', 'base.txt'), 'changed');
      await writeFile(join(work, 'merged', 'added.txt'), 'new');
    } finally {
      await unmount();
    }
    expect(await readFile(join(lower, 'base.txt'), 'utf8')).toBe('base');
    expect(await readFile(join(work, 'upper', 'added.txt'), 'utf8')).toBe('new');
    expect(await readFile(join(work, 'upper', 'base.txt'), 'utf8')).toBe('changed');
    await store.close();
  });
});
