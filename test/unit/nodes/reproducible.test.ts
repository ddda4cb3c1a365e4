import { describe, expect, test } from 'vitest';
import { NODE_KINDS } from '../../../src/nodes/registry.js';
import type { AnyNodeKind } from '../../../src/nodes/types.js';
import { outcomes, plan, run } from '../../helpers/build.js';
import { openTestStore } from '../../helpers/test-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const kinds = Object.values(NODE_KINDS) as AnyNodeKind[];

describe('fixture kinds, which claim reproducible: true, build byte-identical outputs', () => {
  test('the fixture plan built into two fresh stores gives the same output digests', async () => {
    // Kinds that need a distribution get their own reproducibility tests with their node kinds; these run anywhere.
    expect(kinds.filter((k) => k.kind.startsWith('fixture-')).every((k) => k.reproducible)).toBe(true);
    const p = plan(kinds, [
      { id: 't1', spec: { kind: 'fixture-tree', image: 'main', settings: {}, params: { seed: 'one', files: 5, bytes: 5000 } } },
      { id: 't2', spec: { kind: 'fixture-tree', image: 'main', settings: {}, params: { seed: 'two', files: 3, bytes: 99 } } },
      { id: 'm', spec: { kind: 'fixture-merge', image: 'main', settings: {}, params: { inputs: ['t1', 't2'] } } },
    ]);
    const digests: Record<string, string>[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await openTestStore(await tempDir());
      const result = await run(p, { kinds, store });
      expect(outcomes(result)).toEqual({ t1: 'built', t2: 'built', m: 'built' });
      digests.push(Object.fromEntries([...result.nodes].map(([id, r]) => [id, 'digest' in r ? r.digest : ''])));
      await store.close();
    }
    expect(digests[0]).toEqual(digests[1]);
  });
});
