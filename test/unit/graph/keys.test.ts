import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { computeKey } from '../../../src/graph/inputs.js';
import type { KeyEnvironment } from '../../../src/graph/inputs.js';
import { keyOf, keyPreimage } from '../../../src/graph/keys.js';
import { fixtureTreeKind } from '../../../src/nodes/fixture/fixture-tree.js';
import type { AnyNodeKind, NodeSpec } from '../../../src/nodes/types.js';
import { openTestStore } from '../../helpers/test-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { plan } from '../../helpers/build.js';

const kind = fixtureTreeKind as AnyNodeKind;
const spec = (settings: Record<string, unknown>, params: unknown = { seed: 's', files: 1, bytes: 10 }): NodeSpec =>
  ({ kind: 'fixture-tree', image: 'main', settings, params });
const base = { kind, files: {}, deps: [], tools: {}, env: {}, epoch: null };

describe('node keys', () => {
  test('the same plan in two clones at different paths gives identical keys', async () => {
    const store = await openTestStore(await tempDir());
    const keys: string[] = [];
    for (const clone of [await tempDir('mkb-clone-a-'), await tempDir('mkb-clone-b-')]) {
      await mkdir(join(clone, 'mkosi.extra'), { recursive: true });
      await writeFile(join(clone, 'mkosi.extra', 'motd'), 'welcome');
      const p = plan([kind], [{ id: 'main:tree', spec: spec({ Packages: ['vim'] }, { seed: 's', files: 1, bytes: 8, input: 'mkosi.extra/motd' }) }], clone);
      const environment: KeyEnvironment = { root: clone, hasher: store.hasher, tools: async () => undefined, env: {}, epoch: null };
      const node = p.nodes.get('main:tree');
      if (node === undefined) throw new Error('no node');
      const computed = await computeKey({ node, kind, depDigests: [], environment });
      if (!computed.ok) throw new Error('key failed');
      expect(JSON.stringify(computed.value.preimage)).not.toContain(clone);
      keys.push(computed.value.key);
    }
    expect(keys[0]).toBe(keys[1]);
    await store.close();
  });

  test('absolute paths inside the checkout are hashed relative to it; paths outside stay as they are', () => {
    const at = (root: string) => keyOf(keyPreimage({
      ...base, root, spec: spec({ ExtraTrees: [`${root}/mkosi.extra`], OutputDirectory: `${root}/mkosi.output`, CacheDirectory: '/var/cache/x', BuildSources: [{ source: root, target: '' }] }),
    }));
    expect(at('/home/alice/img')).toBe(at('/srv/ci/checkout-42'));
    const outside = (dir: string) => keyOf(keyPreimage({ ...base, root: '/home/alice/img', spec: spec({ CacheDirectory: dir }) }));
    expect(outside('/var/cache/x')).not.toBe(outside('/var/cache/y'));
  });

  test('the order in which settings were written does not matter', () => {
    const a = keyOf(keyPreimage({ ...base, spec: spec({ Packages: ['a', 'b'], Format: 'disk', Bootable: 'auto' }) }));
    const b = keyOf(keyPreimage({ ...base, spec: spec({ Bootable: 'auto', Format: 'disk', Packages: ['a', 'b'] }) }));
    expect(a).toBe(b);
  });

  test('list order is meaningful and changes the key', () => {
    const a = keyOf(keyPreimage({ ...base, spec: spec({ Packages: ['a', 'b'] }) }));
    const b = keyOf(keyPreimage({ ...base, spec: spec({ Packages: ['b', 'a'] }) }));
    expect(a).not.toBe(b);
  });

  test('only the environment variables a kind declares enter its key', () => {
    const withEnv = (k: AnyNodeKind, env: Record<string, string>) => keyOf(keyPreimage({ ...base, kind: k, spec: spec({}), env }));
    expect(withEnv(kind, { HOME: '/root', PATH: '/bin' })).toBe(withEnv(kind, { HOME: '/home/u' }));
    const declaring: AnyNodeKind = { ...kind, env: ['http_proxy'] };
    expect(withEnv(declaring, { http_proxy: 'a' })).not.toBe(withEnv(declaring, { http_proxy: 'b' }));
  });

  test('upstream output digests, file digests, tools, epoch and kind version all change the key', () => {
    const k0 = keyOf(keyPreimage({ ...base, spec: spec({}) }));
    const variants = [
      keyPreimage({ ...base, spec: spec({}), deps: [{ kind: 'x', digest: 'd1' }] }),
      keyPreimage({ ...base, spec: spec({}), files: { 'mkosi.extra/motd': 'f1' } }),
      keyPreimage({ ...base, spec: spec({}), tools: { mkfs: '/usr/sbin/mkfs 2.38' } }),
      keyPreimage({ ...base, spec: spec({}), epoch: 1700000000 }),
      keyPreimage({ ...base, kind: { ...kind, version: 2 }, spec: spec({}) }),
      keyPreimage({ ...base, spec: spec({}, { seed: 'other', files: 1, bytes: 10 }) }),
    ].map(keyOf);
    expect(new Set([k0, ...variants]).size).toBe(variants.length + 1);
  });

  test('settings a kind declares irrelevant do not change its key; all others do (fail closed)', () => {
    const k: AnyNodeKind = { ...kind, irrelevantSettings: ['Output'] };
    const key = (s: Record<string, unknown>) => keyOf(keyPreimage({ ...base, kind: k, spec: spec(s) }));
    expect(key({ Output: 'a', Format: 'disk' })).toBe(key({ Output: 'b', Format: 'disk' }));
    expect(key({ Format: 'disk', SomeSettingNobodyListed: 1 })).not.toBe(key({ Format: 'disk', SomeSettingNobodyListed: 2 }));
  });

  test('the image a node belongs to is not part of its key', () => {
    const a = keyOf(keyPreimage({ ...base, spec: { ...spec({}), image: 'one' } }));
    const b = keyOf(keyPreimage({ ...base, spec: { ...spec({}), image: 'two' } }));
    expect(a).toBe(b);
  });

  test('which node an unkeyed dependency is never reaches the key; a keyed dependency\'s id still does', () => {
    const locating: AnyNodeKind = { ...kind, unkeyedDeps: (s) => [(s.params as { where: string }).where] };
    const at = (what: string, where: string) => keyOf(keyPreimage({ ...base, kind: locating, spec: spec({}, { what, where, list: [where] }) }));
    expect(at('main/lock', 'repo-metadata/debian-1111')).toBe(at('main/lock', 'repo-metadata/debian-2222'));
    expect(at('main/lock', 'repo-metadata/debian-1111')).not.toBe(at('other/lock', 'repo-metadata/debian-1111'));
  });

  test('floats are refused rather than hashed ambiguously', () => {
    expect(() => keyPreimage({ ...base, spec: spec({ Ratio: 0.5 }) })).toThrow(/non-integer/);
  });
});
