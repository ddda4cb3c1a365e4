import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { parseGetfattr } from '../../src/cache/xattrs.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

const preimage: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };
const key = `${'x'.repeat(64)}` as NodeKey;

describe('extended attributes', () => {
  test('getfattr dumps are read per relative path, with escaped names and base64 or text values', () => {
    const dump = '# file: /r/a\\040b\nuser.x=0saGk=\nuser.t="plain"\n\n# file: /r\nuser.root=0sAA==\n';
    expect(parseGetfattr(dump, '/r')).toEqual(new Map([
      ['a b', { 'user.x': 'aGk=', 'user.t': Buffer.from('plain').toString('base64') }],
      ['.', { 'user.root': 'AA==' }],
    ]));
  });

  test('a tree keeps its extended attributes through the store, and they are part of its digest', async () => {
    const store = await openTestStore(await tempDir());
    try {
      const commit = async (value: string) => {
        const dir = await store.newStagingDir();
        await mkdir(join(dir, 'bin'));
        await writeFile(join(dir, 'bin/ping'), 'binary');
        await execa('setfattr', ['-n', 'user.mkb-test', '-v', value, join(dir, 'bin/ping')]);
        return store.commitTree({ key, dir, kind: 'k', preimage, durationMs: 1, cache: false });
      };
      const one = await commit('one');
      const two = await commit('two');
      expect(one.digest).not.toBe(two.digest);
      const tree = await store.readOnlyTree(one.digest);
      const read = await execa('getfattr', ['--only-values', '-n', 'user.mkb-test', join(tree, 'bin/ping')]);
      expect(read.stdout).toBe('one');
    } finally {
      await store.close();
    }
  });
});
