import { describe, expect, test } from 'vitest';
import { graphView, renderGraph } from '../../../src/graph/graph-formats.js';
import { planStates } from '../../../src/graph/plan-state.js';
import { describeChange, diffPreimages } from '../../../src/graph/preimage-diff.js';
import type { KeyPreimage } from '../../../src/graph/keys.js';
import { plan, run } from '../../helpers/build.js';
import { FakeKind } from '../../helpers/fake-kind.js';
import { openTestStore } from '../../helpers/test-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

const base: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };

describe('explaining a rebuild', () => {
  test('a diff names settings with old → new values, files and upstream digests', () => {
    const old: KeyPreimage = { ...base, settings: { Packages: ['vim'], Format: 'disk' }, files: { 'mkosi.extra/etc/motd': 'a'.repeat(64) }, deps: [{ kind: 'base', digest: '1'.repeat(64) }] };
    const now: KeyPreimage = { ...base, settings: { Packages: ['vim', 'less'], Format: 'tar' }, files: { 'mkosi.extra/etc/motd': 'b'.repeat(64) }, deps: [{ kind: 'base', digest: '2'.repeat(64) }] };
    expect(diffPreimages(old, now).map(describeChange)).toEqual([
      'Format= changed from disk to tar',
      'Packages= gained less',
      'mkosi.extra/etc/motd changed',
      'dep base output digest 111111111111 → 222222222222',
    ]);
  });

  test('dry-run states: a dependency left out of the key does not block predicting it', async () => {
    const kind = new FakeKind({ auto: true });
    const store = await openTestStore(await tempDir());
    const nodes = (where: string) => [kind.node('where', { value: where }), kind.node('use', { deps: ['where'], unkeyed: ['where'] })];
    await run(plan([kind.kind], nodes('a')), { kinds: [kind.kind], store });
    const states = await planStates({
      plan: plan([kind.kind], nodes('b')), kinds: () => kind.kind, store,
      environment: { hasher: store.hasher, tools: async () => undefined, env: {}, epoch: null },
    });
    expect(Object.fromEntries([...states].map(([id, s]) => [id, s.state]))).toEqual({ where: 'to-build', use: 'cached' });
    await store.close();
  });

  test('changes read as the config spells them: lost items, set and unset settings, added files, kind parameters', () => {
    const old: KeyPreimage = { ...base, settings: { Packages: ['vim', 'less'], Hostname: 'a' }, params: { packages: ['tree'] }, files: { 'mkosi.extra/old': 'a'.repeat(64) } };
    const now: KeyPreimage = { ...base, settings: { Packages: ['vim'], Timezone: 'UTC' }, params: { packages: ['tree', 'jq'] }, files: { 'mkosi.extra/new': 'b'.repeat(64) } };
    expect(diffPreimages(old, now).map(describeChange)).toEqual([
      'Hostname= unset (was a)',
      'Packages= lost less',
      'Timezone= set to UTC',
      'params packages gained jq',
      'mkosi.extra/new added',
      'mkosi.extra/old removed',
    ]);
  });

  test('dry-run states: cached, to build with why, and pending behind a rebuild', async () => {
    const kind = new FakeKind({ auto: true });
    const store = await openTestStore(await tempDir());
    const first = plan([kind.kind], [kind.node('a', { settings: { Packages: ['vim'] } }), kind.node('b'), kind.node('c', { deps: ['a'] })]);
    await run(first, { kinds: [kind.kind], store });
    const second = plan([kind.kind], [kind.node('a', { settings: { Packages: ['vim', 'less'] } }), kind.node('b'), kind.node('c', { deps: ['a'] }), kind.node('d')]);
    const states = await planStates({
      plan: second, kinds: (k) => (k === 'fake' ? kind.kind : undefined), store,
      environment: { hasher: store.hasher, tools: async () => undefined, env: {}, epoch: null },
    });
    const summary = Object.fromEntries([...states].map(([id, s]) => [id, s.state === 'to-build' ? `${s.state}:${s.why.reason}` : s.state]));
    expect(summary).toEqual({ a: 'to-build:changed', b: 'cached', c: 'blocked', d: 'to-build:never-built' });
    const a = states.get('a');
    expect(a?.state === 'to-build' && a.why.reason === 'changed' && a.why.changes.map(describeChange)).toEqual(['Packages= gained less']);

    const view = graphView(second, states);
    expect(view.find((n) => n.id === 'b')).toMatchObject({ state: 'cached', key: expect.stringMatching(/^[0-9a-f]{12}$/) as unknown });
    expect(renderGraph(view, 'dot')).toContain('"c" -> "a";');
    expect(renderGraph(view, 'mermaid')).toMatch(/^flowchart BT\n/);
    expect(JSON.parse(renderGraph(view, 'json'))).toEqual({ nodes: view });
    await store.close();
  });
});
