import { mkdir, readFile, symlink, writeFile, link, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ExecutorStore } from '../../src/cache/types.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';

export interface StoreUnderTest {
  readonly store: ExecutorStore;
  close(): Promise<void>;
  /** A second handle on the same store, as another process would see it. */
  reopen(): Promise<StoreUnderTest>;
}

const preimage = (n: number): KeyPreimage => ({
  schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: { N: n }, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null,
});
const key = (n: number): NodeKey => `${String(n).padStart(4, '0')}${'a'.repeat(60)}` as NodeKey;

async function writeTree(store: ExecutorStore, files: Record<string, string>): Promise<string> {
  const dir = await store.newStagingDir();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** The behaviour every store implementation must have (R18). */
export function registerStoreContract(name: string, open: (root: string) => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    test('an unknown key is a miss', async () => {
      const s = await open(await tempDir());
      expect(await s.store.lookup(key(1))).toBeUndefined();
      await s.close();
    });

    test('a committed tree is found by key and reads back byte for byte', async () => {
      const s = await open(await tempDir());
      const dir = await writeTree(s.store, { 'a.txt': 'alpha', 'sub/b.txt': 'beta' });
      await symlink('a.txt', join(dir, 'link'));
      await link(join(dir, 'a.txt'), join(dir, 'hard'));
      const record = await s.store.commitTree({ key: key(1), dir, kind: 'k', preimage: preimage(1), durationMs: 5, cache: true });
      expect(record).toMatchObject({ kind: 'k', bytes: 9, files: 2, durationMs: 5 });
      expect(await s.store.lookup(key(1))).toEqual(record);
      const tree = await s.store.readOnlyTree(record.digest);
      expect(await readFile(join(tree, 'sub/b.txt'), 'utf8')).toBe('beta');
      expect(await readFile(join(tree, 'link'), 'utf8')).toBe('alpha');
      const [a, h] = await Promise.all([stat(join(tree, 'a.txt')), stat(join(tree, 'hard'))]);
      expect(h.ino).toBe(a.ino);
      await s.close();
    });

    test('equal trees have equal digests; a different tree does not', async () => {
      const s = await open(await tempDir());
      const commit = async (n: number, files: Record<string, string>) =>
        (await s.store.commitTree({ key: key(n), dir: await writeTree(s.store, files), kind: 'k', preimage: preimage(n), durationMs: 1, cache: true })).digest;
      const one = await commit(1, { x: '1', y: '2' });
      expect(await commit(2, { y: '2', x: '1' })).toBe(one);
      expect(await commit(3, { x: '1', y: '3' })).not.toBe(one);
      await s.close();
    });

    test('a mutable copy shares no inodes with the store', async () => {
      const s = await open(await tempDir());
      const record = await s.store.commitTree({ key: key(1), dir: await writeTree(s.store, { f: 'data' }), kind: 'k', preimage: preimage(1), durationMs: 1, cache: true });
      const dest = join(await tempDir(), 'copy');
      await s.store.copyTree(record.digest, dest);
      await writeFile(join(dest, 'f'), 'changed');
      expect(await readFile(join(await s.store.readOnlyTree(record.digest), 'f'), 'utf8')).toBe('data');
      await s.close();
    });

    test('an uncached commit stores the tree but indexes no key', async () => {
      const s = await open(await tempDir());
      const record = await s.store.commitTree({ key: key(1), dir: await writeTree(s.store, { f: 'x' }), kind: 'k', preimage: preimage(1), durationMs: 1, cache: false });
      expect(await s.store.lookup(key(1))).toBeUndefined();
      expect(await readFile(join(await s.store.readOnlyTree(record.digest), 'f'), 'utf8')).toBe('x');
      await s.close();
    });

    test('entries survive closing and reopening', async () => {
      const root = await tempDir();
      const s = await open(root);
      const record = await s.store.commitTree({ key: key(1), dir: await writeTree(s.store, { f: 'x' }), kind: 'k', preimage: preimage(1), durationMs: 1, cache: true });
      await s.close();
      const again = await open(root);
      expect(await again.store.lookup(key(1))).toEqual(record);
      await again.close();
    });

    test('a second writer racing the same key keeps a valid entry', async () => {
      const root = await tempDir();
      const s = await open(root);
      const other = await s.reopen();
      const [r1, r2] = await Promise.all([
        s.store.commitTree({ key: key(1), dir: await writeTree(s.store, { f: 'same' }), kind: 'k', preimage: preimage(1), durationMs: 1, cache: true }),
        other.store.commitTree({ key: key(1), dir: await writeTree(other.store, { f: 'same' }), kind: 'k', preimage: preimage(1), durationMs: 1, cache: true }),
      ]);
      expect(r1.digest).toBe(r2.digest);
      expect(await readFile(join(await other.store.readOnlyTree(r1.digest), 'f'), 'utf8')).toBe('same');
      await other.close();
      await s.close();
    });
  });
}
