// Cutting an image tree's tar members into chunks: every member once and in manifest order, hardlink groups
// whole, cuts that stay where they were when one member changes, and keys that change with what tar records.
import { copyFile, link, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { planTarChunks } from '../../../../src/nodes/output/tar-chunks.js';
import type { ChunkSizes, TarChunk } from '../../../../src/nodes/output/tar-chunks.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { treeEntries } from '../../../helpers/tree-entries.js';

/** Small chunks, so a small tree has many. */
const SIZES: ChunkSizes = { min: 4096, max: 16384, spacing: 3 };
const EPOCH = new Date(1_700_000_000_000);

/** 40 files of 1–3 KiB in two directories, a hardlink pair across the first, and /tmp contents that archives leave out. */
async function makeTree(): Promise<string> {
  const root = await tempDir();
  for (const dir of ['etc', 'usr/lib', 'tmp']) await mkdir(join(root, dir), { recursive: true });
  for (let i = 0; i < 40; i++) await writeFile(join(root, i < 20 ? 'etc' : 'usr/lib', `file-${String(i).padStart(2, '0')}`), 'x'.repeat(1024 * (1 + (i % 3))));
  await link(join(root, 'etc/file-01'), join(root, 'etc/zz-linked'));
  await writeFile(join(root, 'tmp/scratch'), 'left out\n');
  return root;
}

async function plan(root: string): Promise<TarChunk[]> {
  return [...planTarChunks({
    root, entries: await treeEntries(root), sizes: SIZES, salt: 'test', nameHash: (name) => name.length,
    excluded: (path) => path.startsWith('tmp/'),
  })];
}

/** The chunks whose keys are not among `before`'s. */
const changed = (before: readonly TarChunk[], after: readonly TarChunk[]): number =>
  after.filter((c) => !before.some((b) => b.key === c.key)).length;

describe('tar chunks', () => {
  test('every member once, in manifest order, the root first and excluded contents left out; the last chunk says so', async () => {
    const root = await makeTree();
    const chunks = await plan(root);
    expect(chunks.length).toBeGreaterThan(3);
    const expected = (await treeEntries(root)).map((e) => e.path).filter((p) => !p.startsWith('tmp/')).map((p) => (p === '.' ? '.' : `./${p}`));
    expect(chunks.flatMap((c) => c.names)).toEqual(expected);
    expect(chunks.map((c) => c.last)).toEqual(chunks.map((_, i) => i === chunks.length - 1));
  });

  test('a hardlink group is never cut, however far apart its paths are', async () => {
    const root = await makeTree();
    const chunks = await plan(root);
    const holding = (name: string) => chunks.findIndex((c) => c.names.includes(name));
    expect(holding('./etc/file-01')).toBe(holding('./etc/zz-linked'));
    // The same tree with a copy instead of the link has cuts between the two.
    const plain = await makeTree();
    await rm(join(plain, 'etc/zz-linked'));
    await copyFile(join(plain, 'etc/file-01'), join(plain, 'etc/zz-linked'));
    const cut = await plan(plain);
    expect(cut.findIndex((c) => c.names.includes('./etc/file-01'))).toBeLessThan(cut.findIndex((c) => c.names.includes('./etc/zz-linked')));
  });

  test('the same tree gives the same chunks; a changed file or mtime changes its chunk only', async () => {
    const root = await makeTree();
    const before = await plan(root);
    expect(await plan(root)).toEqual(before);
    // Same size and mtime, other content: only the store's digest says so.
    await writeFile(join(root, 'usr/lib/file-30'), 'y'.repeat(1024));
    await utimes(join(root, 'usr/lib/file-30'), EPOCH, EPOCH);
    const content = await plan(root);
    await utimes(join(root, 'etc/file-05'), EPOCH, EPOCH);
    const mtime = await plan(root);
    expect(content.map((c) => c.names)).toEqual(before.map((c) => c.names));
    expect(changed(before, content)).toBe(1);
    expect(changed(content, mtime)).toBe(1);
  });

  test('other tar arguments (the salt) give other keys', async () => {
    const root = await makeTree();
    const entries = await treeEntries(root);
    const keys = (salt: string) => [...planTarChunks({ root, entries, sizes: SIZES, salt, nameHash: (n) => n.length, excluded: () => false })].map((c) => c.key);
    expect(keys('a').some((k) => keys('b').includes(k))).toBe(false);
  });
});
