import { describe, expect, test } from 'vitest';
import { SETTINGS } from '../../../src/config/settings/index.js';
import { keyOf, keyPreimage } from '../../../src/graph/keys.js';
import { NODE_KINDS } from '../../../src/nodes/registry.js';
import { settingsPreimage } from '../../../src/nodes/settings-preimage.js';
import type { AnyNodeKind } from '../../../src/nodes/types.js';

/**
 * The keys of one image's settings record as `summary --json` prints it (what kinds receive): each setting's
 * JSON key (its name unless the table says otherwise; null means not printed), plus the extra keys
 * src/config/load/image-json.ts adds.
 */
const IMAGE_JSON_EXTRAS = ['Files', 'Image', 'BuildSubdirectory'];
const names = [...new Set([
  ...(SETTINGS as readonly { name: string; jsonKey?: string | null }[]).flatMap((s) => (s.jsonKey === null ? [] : [s.jsonKey ?? s.name])),
  ...IMAGE_JSON_EXTRAS,
])];
const kinds = Object.values(NODE_KINDS) as AnyNodeKind[];

describe('every setting of the table either keys a node kind or is declared irrelevant to it', () => {
  test('the table is not empty', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  for (const kind of kinds) {
    test(`${kind.kind}: each setting changes the key unless declared irrelevant`, () => {
      const params = kind.parseParams({ seed: 's', files: 0, bytes: 0, inputs: [] });
      const spec = (settings: Record<string, unknown>) => ({ kind: kind.kind, image: 'main', settings, params: params.ok ? params.value : {} });
      const keyWith = (settings: Record<string, unknown>) =>
        keyOf(keyPreimage({ kind, spec: spec(settings), files: {}, deps: [], tools: {}, env: {}, epoch: null }));
      const before = Object.fromEntries(names.map((n) => [n, 'before']));
      const base = keyWith(before);
      for (const name of names) {
        const changed = keyWith({ ...before, [name]: 'after' }) !== base;
        expect({ name, changed }).toEqual({ name, changed: !kind.irrelevantSettings.includes(name) });
      }
    });

    test(`${kind.kind}: declares only settings that exist in the image record`, () => {
      expect(kind.irrelevantSettings.filter((n) => !names.includes(n))).toEqual([]);
    });
  }

  test('settingsPreimage drops exactly the declared settings', () => {
    expect(settingsPreimage({ irrelevantSettings: ['B'] }, { C: 1, B: 2, A: 3 })).toEqual({ A: 3, C: 1 });
  });
});
