import { lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { discardKeptTrees, findKeptTree, publishOutput, recordPath, retirePublishedTrees } from '../../../../src/nodes/image/publish.js';
import { tempDir } from '../../../helpers/temp-dir.js';

/** A fake store: each digest names a set of files; counts copies. */
function fakeStore(trees: Record<string, Record<string, string>>) {
  let copies = 0;
  return {
    copies: () => copies,
    copyTree: async (digest: string, dest: string) => {
      copies++;
      await mkdir(dest, { recursive: true });
      for (const [name, content] of Object.entries(trees[digest] ?? {})) {
        if (content.startsWith('->')) await symlink(content.slice(2), join(dest, name));
        else await writeFile(join(dest, name), content);
      }
    },
  };
}

const TREES = {
  d1: { 'img.tar.zst': 'one', img: '->img.tar.zst', 'img.SHA256SUMS': 'sums1' },
  d2: { 'img.cpio.zst': 'two', img: '->img.cpio.zst' },
};

describe('publishOutput', () => {
  test('puts every entry in place, leaves no staging behind and records what it published', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    const r = await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    expect(r).toEqual({ upToDate: false, files: ['img', 'img.SHA256SUMS', 'img.tar.zst'], outputDir: out });
    expect(await readlink(join(out, 'img'))).toBe('img.tar.zst');
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'img', 'img.SHA256SUMS', 'img.tar.zst']);
    expect(JSON.parse(await readFile(recordPath(out, 'img'), 'utf8'))).toEqual({ digest: 'd1', files: ['img', 'img.SHA256SUMS', 'img.tar.zst'], mode: null, trees: {} });
  });

  test('the same digest again copies nothing', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    const again = await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    expect(again.upToDate).toBe(true);
    expect(store.copies()).toBe(1);
  });

  test('OutputMode= applies to top-level regular files only, and a new mode republishes the same digest', async () => {
    const out = await tempDir();
    const store = fakeStore({ d: { ...TREES.d1 } });
    await publishOutput({ digest: 'd', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't', mode: 0o600 });
    const mode = async (name: string) => (await lstat(join(out, name))).mode & 0o7777;
    expect(await mode('img.tar.zst')).toBe(0o600);
    expect(await mode('img.SHA256SUMS')).toBe(0o600);
    expect((await lstat(join(out, 'img'))).isSymbolicLink()).toBe(true);
    const again = await publishOutput({ digest: 'd', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't', mode: 0o640 });
    expect(again.upToDate).toBe(false);
    expect(await mode('img.tar.zst')).toBe(0o640);
    expect((await publishOutput({ digest: 'd', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't', mode: 0o640 })).upToDate).toBe(true);
  });

  test('a published file deleted by the user is published again', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    await rm(join(out, 'img.tar.zst'));
    expect((await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' })).upToDate).toBe(false);
    expect(await readFile(join(out, 'img.tar.zst'), 'utf8')).toBe('one');
  });

  test('a new output replaces the old one and removes names it no longer produces', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    await writeFile(join(out, 'unrelated'), 'keep me');
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    await publishOutput({ digest: 'd2', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'img', 'img.cpio.zst', 'unrelated']);
    expect(await readlink(join(out, 'img'))).toBe('img.cpio.zst');
  });

  test('a failed copy leaves the published files as they were and no staging directory', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    const failing = async (_d: string, dest: string) => {
      await mkdir(dest, { recursive: true });
      await writeFile(join(dest, 'img.tar.zst'), 'half');
      throw new Error('disk full');
    };
    await expect(publishOutput({ digest: 'd2', outputDir: out, output: 'img', copyTree: failing, tag: 't' })).rejects.toThrow('disk full');
    expect(await readFile(join(out, 'img.tar.zst'), 'utf8')).toBe('one');
    expect((await readdir(out)).filter((n) => n.startsWith('.mkb-staging'))).toEqual([]);
    expect((await lstat(recordPath(out, 'img'))).isFile()).toBe(true);
  });

  test('clamps mtimes of what it publishes (the store keeps none)', async () => {
    const out = await tempDir();
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd2', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't', clampMtime: 1_000_000 });
    expect((await lstat(join(out, 'img.cpio.zst'))).mtimeMs).toBe(1_000_000_000);
  });

  test('a directory published before is moved into staging and updated there; the rest is copied', async () => {
    const out = await tempDir();
    const skipped: string[][] = [];
    const copyTree = async (digest: string, dest: string, skip: readonly string[]) => {
      skipped.push([...skip]);
      await mkdir(dest, { recursive: true });
      if (!skip.includes('img')) {
        await mkdir(join(dest, 'img'));
        await writeFile(join(dest, 'img', 'f'), digest);
      }
      await writeFile(join(dest, 'img.manifest'), digest);
    };
    const updates: { from: string; previous: string; signed: string[] }[] = [];
    const updateTree: NonNullable<Parameters<typeof publishOutput>[0]['updateTree']> = async (r) => {
      updates.push({ from: r.from, previous: r.previous.digest, signed: Object.keys(r.previous.signature) });
      await writeFile(join(r.dir, 'f'), r.digest);
      return { f: `signed by the update to ${r.digest}` };
    };
    await publishOutput({ digest: 'd3', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    await publishOutput({ digest: 'd4', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    expect(skipped).toEqual([[], ['img']]);
    expect(updates).toEqual([{ from: 'img', previous: 'd3', signed: ['f'] }]);
    // The update's own signature is recorded: the directory is not read again.
    expect(JSON.parse(await readFile(recordPath(out, 'img'), 'utf8')).trees).toEqual({ img: { f: 'signed by the update to d4' } });
    expect(await readFile(join(out, 'img', 'f'), 'utf8')).toBe('d4');
    expect(await readFile(join(out, 'img.manifest'), 'utf8')).toBe('d4');
    expect((await readdir(out)).filter((n) => n.startsWith('.mkb-'))).toEqual(['.mkb-published.img.json']);
  });

  test('a directory that cannot be updated in place is copied whole', async () => {
    const out = await tempDir();
    const copyTree = async (digest: string, dest: string, skip: readonly string[]) => {
      await mkdir(join(dest, 'img'), { recursive: true });
      expect(skip).toEqual([]);
      await writeFile(join(dest, 'img', digest), digest);
    };
    await publishOutput({ digest: 'd5', outputDir: out, output: 'img', copyTree, updateTree: () => Promise.resolve(undefined), tag: 't' });
    await publishOutput({ digest: 'd6', outputDir: out, output: 'img', copyTree, updateTree: () => Promise.resolve(undefined), tag: 't' });
    expect(await readdir(join(out, 'img'))).toEqual(['d6']);
  });
});

describe('leftovers of a publish killed on the way', () => {
  test('are removed by the next publish when their process no longer runs; those of running ones and other names stay', async () => {
    const out = await tempDir();
    const dead = ['.mkb-staging-101', '.mkb-old-101-img', '.mkb-retired-101-img', '.mkb-published.img.json.101'];
    const alive = ['.mkb-staging-202', '.mkb-retired-202-img'];
    for (const name of [...dead, ...alive]) await mkdir(join(out, name, 'usr'), { recursive: true });
    await writeFile(join(out, '.mkb-staging-notes'), 'not a publish of mkb');
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: '303', isAlive: (pid) => pid !== 101 });
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', ...alive, '.mkb-staging-notes', 'img', 'img.SHA256SUMS', 'img.tar.zst'].sort());
  });
});

describe('retirePublishedTrees', () => {
  /** A directory image published, as Format=directory leaves it. */
  async function publishedDirectory(out: string): Promise<void> {
    const copyTree = async (digest: string, dest: string) => {
      await mkdir(join(dest, 'img', 'usr'), { recursive: true });
      await writeFile(join(dest, 'img', 'usr', 'f'), digest);
    };
    await publishOutput({ digest: 'dir', outputDir: out, output: 'img', copyTree, tag: 't' });
  }

  test('removes the published directories, and the next publish of an archive completes the switch', async () => {
    const out = await tempDir();
    await publishedDirectory(out);
    await writeFile(join(out, 'unrelated'), 'keep me');
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't' });
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'unrelated']);
    const store = fakeStore(TREES);
    const r = await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    expect(r.upToDate).toBe(false);
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'img', 'img.SHA256SUMS', 'img.tar.zst', 'unrelated']);
    expect(await readlink(join(out, 'img'))).toBe('img.tar.zst');
  });

  test('leaves published files, an image never published and a name that is no longer a directory alone', async () => {
    const out = await tempDir();
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't' });
    expect(await readdir(out)).toEqual([]);
    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't' });
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'img', 'img.SHA256SUMS', 'img.tar.zst']);
    const dirOut = await tempDir();
    await publishedDirectory(dirOut);
    await rm(join(dirOut, 'img'), { recursive: true });
    await writeFile(join(dirOut, 'img'), 'a file the user put there');
    await retirePublishedTrees({ outputDir: dirOut, output: 'img', tag: 't' });
    expect(await readFile(join(dirOut, 'img'), 'utf8')).toBe('a file the user put there');
  });
});

describe('a directory kept aside', () => {
  /** Format=directory publishes `img/usr/f` holding the digest; the update rewrites f and signs it. */
  const copyTree = async (digest: string, dest: string, skip: readonly string[]) => {
    await mkdir(dest, { recursive: true });
    if (skip.includes('img')) return;
    await mkdir(join(dest, 'img', 'usr'), { recursive: true });
    await writeFile(join(dest, 'img', 'usr', 'f'), digest);
  };
  const updates: { previous: string; to: string; signature: unknown }[] = [];
  const updateTree: NonNullable<Parameters<typeof publishOutput>[0]['updateTree']> = async (r) => {
    updates.push({ previous: r.previous.digest, to: r.digest, signature: r.previous.signature });
    await writeFile(join(r.dir, 'usr', 'f'), r.digest);
    return { 'usr/f': `updated to ${r.digest}` };
  };

  test('goes into the store when the image becomes an archive, and comes back updated in place when it is a directory again', async () => {
    const out = await tempDir();
    const keep = join(await tempDir(), 'kept');
    await publishOutput({ digest: 'dir1', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    const signature = JSON.parse(await readFile(recordPath(out, 'img'), 'utf8')).trees.img;
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't', keep, isAlive: () => false });
    await expect(lstat(join(out, 'img'))).rejects.toThrow();
    const kept = await findKeptTree(keep, out, 'img');
    expect(kept).toMatchObject({ name: 'img', digest: 'dir1', signature });
    expect(await readFile(join(kept?.dir ?? '', 'usr', 'f'), 'utf8')).toBe('dir1');
    expect(await findKeptTree(keep, out, 'other')).toBeUndefined();
    expect(await findKeptTree(keep, await tempDir(), 'img')).toBeUndefined();

    const store = fakeStore(TREES);
    await publishOutput({ digest: 'd1', outputDir: out, output: 'img', copyTree: store.copyTree, tag: 't' });
    expect(await readlink(join(out, 'img'))).toBe('img.tar.zst');

    updates.length = 0;
    await publishOutput({ digest: 'dir2', outputDir: out, output: 'img', copyTree, updateTree, tag: 't', ...(kept === undefined ? {} : { kept }) });
    expect(updates).toEqual([{ previous: 'dir1', to: 'dir2', signature }]);
    expect(await readFile(join(out, 'img', 'usr', 'f'), 'utf8')).toBe('dir2');
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.img.json', 'img']);
    expect(JSON.parse(await readFile(recordPath(out, 'img'), 'utf8')).trees).toEqual({ img: { 'usr/f': 'updated to dir2' } });
    // Taken: nothing is left in the store.
    expect(await readdir(keep)).toEqual([]);
  });

  test('one per published name: a later one replaces it; clean discards those of its output directory; a killed retire\'s leftovers go', async () => {
    const out = await tempDir();
    const keep = join(await tempDir(), 'kept');
    for (const digest of ['dir1', 'dir2']) {
      await publishOutput({ digest, outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
      await retirePublishedTrees({ outputDir: out, output: 'img', tag: '7', keep, isAlive: () => false });
    }
    expect((await findKeptTree(keep, out, 'img'))?.digest).toBe('dir2');
    expect(await readdir(keep)).toHaveLength(2);
    await mkdir(join(keep, '.mkb-old-101-abc', 'usr'), { recursive: true });
    await writeFile(join(keep, '.mkb-kept-101-abc.json'), '{');
    await publishOutput({ digest: 'dir3', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: '8', keep, isAlive: (pid) => pid === 8 });
    expect((await readdir(keep)).filter((n) => n.startsWith('.'))).toEqual([]);
    expect((await findKeptTree(keep, out, 'img'))?.digest).toBe('dir3');
    const other = await tempDir();
    await publishOutput({ digest: 'dir4', outputDir: other, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: other, output: 'img', tag: 't', keep });
    await discardKeptTrees(keep, out);
    expect(await findKeptTree(keep, out, 'img')).toBeUndefined();
    expect((await findKeptTree(keep, other, 'img'))?.digest).toBe('dir4');
    expect(await readdir(keep)).toHaveLength(2);
  });

  test('the kept directory of an output directory that is gone is removed by the next retire', async () => {
    const keep = join(await tempDir(), 'kept');
    const gone = await tempDir();
    await publishOutput({ digest: 'dir1', outputDir: gone, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: gone, output: 'img', tag: 't', keep });
    await rm(gone, { recursive: true });
    const out = await tempDir();
    await publishOutput({ digest: 'dir2', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't', keep });
    expect(await readdir(keep)).toHaveLength(2);
    expect((await findKeptTree(keep, out, 'img'))?.digest).toBe('dir2');
  });

  test('a kept directory without its record, or a record without its directory, is never used', async () => {
    const out = await tempDir();
    const keep = join(await tempDir(), 'kept');
    await publishOutput({ digest: 'dir1', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't', keep });
    const kept = await findKeptTree(keep, out, 'img');
    await rm(kept?.record ?? '');
    expect(await findKeptTree(keep, out, 'img')).toBeUndefined();
    await publishOutput({ digest: 'dir2', outputDir: out, output: 'img', copyTree, updateTree, tag: 't' });
    await retirePublishedTrees({ outputDir: out, output: 'img', tag: 't', keep });
    await rm(kept?.dir ?? '', { recursive: true });
    expect(await findKeptTree(keep, out, 'img')).toBeUndefined();
  });
});

