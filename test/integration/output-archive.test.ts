import { createHash } from 'node:crypto';
import { link, lstat, lutimes, mkdir, mkdtemp, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { writeCpio, writeTar } from '../../src/nodes/output/archive.js';
import type { ChunkSizes } from '../../src/nodes/output/tar-chunks.js';
import type { FramedResult } from '../../src/nodes/output/tar-frames.js';
import { tempDir } from '../helpers/temp-dir.js';
import { treeEntries } from '../helpers/tree-entries.js';

const signal = new AbortController().signal;
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

/** The same small tree, its files created in the given order (so inode order differs). */
async function makeTree(order: readonly string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mkb-archive-'));
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true });
  for (const name of order) await writeFile(join(root, 'etc', name), `content of ${name}\n`);
  await writeFile(join(root, 'tmp', 'scratch'), 'excluded from tar\n');
  await symlink('etc/a', join(root, 'link'));
  const epoch = new Date(1_700_000_000_000);
  for (const path of ['etc/a', 'etc/b', 'etc/c', 'tmp/scratch', 'etc', 'tmp', '.']) await utimes(join(root, path), epoch, epoch);
  await lutimes(join(root, 'link'), epoch, epoch);
  return root;
}

describe('archives', () => {
  test('tar output is byte-identical for the same tree regardless of creation order, and leaves out /tmp contents', async () => {
    const one = await makeTree(['a', 'b', 'c']);
    const two = await makeTree(['c', 'a', 'b']);
    await writeTar({ root: one, dest: `${one}.tar`, signal });
    await writeTar({ root: two, dest: `${two}.tar`, signal });
    expect(await sha256(`${one}.tar`)).toBe(await sha256(`${two}.tar`));
    const members = (await execa('tar', ['-tf', `${one}.tar`])).stdout.split('\n');
    expect(members).toEqual(['./', './etc/', './etc/a', './etc/b', './etc/c', './link', './tmp/']);
  });

  test('cpio output is byte-identical for the same tree and lists every path in sorted order', async () => {
    const one = await makeTree(['a', 'b', 'c']);
    const two = await makeTree(['b', 'c', 'a']);
    await writeCpio({ root: one, dest: `${one}.cpio`, signal });
    await writeCpio({ root: two, dest: `${two}.cpio`, signal });
    expect(await sha256(`${one}.cpio`)).toBe(await sha256(`${two}.cpio`));
    const listing = (await execa('cpio', ['-it', '--quiet'], { inputFile: `${one}.cpio` })).stdout.split('\n');
    expect(listing).toEqual(['.', 'etc', 'etc/a', 'etc/b', 'etc/c', 'link', 'tmp', 'tmp/scratch']);
  });

  test.each(['zstd', 'xz', 'gz'] as const)('%s: an archive compressed as it is written is the plain one compressed, and reproducible', async (compression) => {
    const root = await makeTree(['a', 'b', 'c']);
    await writeTar({ root, dest: `${root}.tar`, signal });
    await writeTar({ root, dest: `${root}.1`, signal, compress: { compression, level: 3 } });
    await writeTar({ root, dest: `${root}.2`, signal, compress: { compression, level: 3 } });
    expect(await sha256(`${root}.1`)).toBe(await sha256(`${root}.2`));
    const tool = { zstd: ['zstd', '-dc'], xz: ['xz', '-dc'], gz: ['gzip', '-dc'] }[compression];
    const decompressed = await execa(tool[0] as string, tool.slice(1), { inputFile: `${root}.1`, encoding: 'buffer' });
    expect(createHash('sha256').update(decompressed.stdout).digest('hex')).toBe(await sha256(`${root}.tar`));
    await writeCpio({ root, dest: `${root}.cpio`, signal });
    await writeCpio({ root, dest: `${root}.cpio.c`, signal, compress: { compression, level: 3 } });
    const cpio = await execa(tool[0] as string, tool.slice(1), { inputFile: `${root}.cpio.c`, encoding: 'buffer' });
    expect(createHash('sha256').update(cpio.stdout).digest('hex')).toBe(await sha256(`${root}.cpio`));
  });

  test('an archive larger than 100 MB compresses (images are that big)', async () => {
    const root = await tempDir();
    await execa('head', ['-c', String(110 * 1024 * 1024), '/dev/urandom'], { stdout: { file: join(root, 'big') }, buffer: false });
    const archive = `${root}.tar.zst`;
    await writeTar({ root, dest: archive, signal, compress: { compression: 'zstd', level: 1 } });
    const back = await tempDir();
    await execa('tar', ['-x', '--zstd', '-f', archive, '-C', back]);
    const [original, restored] = await Promise.all([execa('sha256sum', [join(root, 'big')]), execa('sha256sum', [join(back, 'big')])]);
    expect(restored.stdout.split(' ')[0]).toBe(original.stdout.split(' ')[0]);
  }, 60_000);

  test('an archiver that fails fails the write, compressed or not', async () => {
    const missing = join(await tempDir(), 'missing');
    await expect(writeTar({ root: missing, dest: `${missing}.tar`, signal })).rejects.toThrow(/tar/);
    await expect(writeTar({ root: missing, dest: `${missing}.tar.zst`, signal, compress: { compression: 'zstd', level: 3 } })).rejects.toThrow(/tar/);
  });

  describe('zstd tar in frames of member chunks', () => {
    const SIZES: ChunkSizes = { min: 64 * 1024, max: 256 * 1024, spacing: 4 };

    /** 60 files of 8–40 KiB of random bytes, a hardlink pair, a symlink and /tmp contents. */
    async function imageTree(): Promise<string> {
      const root = await tempDir();
      for (const dir of ['etc', 'usr/lib', 'tmp']) await mkdir(join(root, dir), { recursive: true });
      for (let i = 0; i < 60; i++) {
        await execa('head', ['-c', String(8192 * (1 + (i % 5))), '/dev/urandom'], { stdout: { file: join(root, i < 10 ? 'etc' : 'usr/lib', `f${String(i).padStart(2, '0')}`) } });
      }
      await link(join(root, 'usr/lib/f20'), join(root, 'usr/lib/f21-link'));
      await symlink('f20', join(root, 'usr/lib/f20-symlink'));
      await writeFile(join(root, 'tmp/scratch'), 'left out\n');
      return root;
    }

    async function framed(root: string, dest: string, earlier?: { table: FramedResult['table']; path: string }): Promise<FramedResult> {
      const written = await writeTar({ root, dest, signal, compress: { compression: 'zstd', level: 3 }, frames: { entries: await treeEntries(root), sizes: SIZES, earlier } });
      if (written === undefined) throw new Error('no frames written');
      return written;
    }

    const decompress = async (path: string): Promise<Buffer> => Buffer.from((await execa('zstd', ['-dc', path], { encoding: 'buffer' })).stdout);

    test('decompresses to exactly the members tar writes for the whole tree, followed by the end-of-archive blocks', async () => {
      const root = await imageTree();
      const written = await framed(root, `${root}.tar.zst`);
      expect(written.total).toBeGreaterThan(5);
      expect((await execa('zstd', ['-lv', `${root}.tar.zst`])).stdout).toMatch(new RegExp(`# Zstandard Frames: ${written.total}\\n`));
      await writeTar({ root, dest: `${root}.tar`, signal });
      const whole = await readFile(`${root}.tar`);
      const frames = await decompress(`${root}.tar.zst`);
      // The whole-tree tar pads its end to a 10 KiB record; the frames end after the two zero blocks.
      expect(whole.subarray(0, frames.length).equals(frames)).toBe(true);
      expect(whole.subarray(frames.length - 1024).every((b) => b === 0)).toBe(true);
      const back = await tempDir();
      await execa('tar', ['-x', '--zstd', '-f', `${root}.tar.zst`, '-C', back]);
      const [first, linked] = await Promise.all([lstat(join(back, 'usr/lib/f20')), lstat(join(back, 'usr/lib/f21-link'))]);
      expect(linked.ino).toBe(first.ino);
    });

    test('a tree with one file changed takes every other frame from the last archive, and comes out as written from nothing', async () => {
      const root = await imageTree();
      const first = await framed(root, `${root}.1.tar.zst`);
      await execa('head', ['-c', '16384', '/dev/urandom'], { stdout: { file: join(root, 'usr/lib/f33') } });
      const again = await framed(root, `${root}.2.tar.zst`, { table: first.table, path: `${root}.1.tar.zst` });
      expect(again.reused).toBe(again.total - 1);
      const fresh = await framed(root, `${root}.3.tar.zst`);
      expect(fresh.reused).toBe(0);
      expect(await sha256(`${root}.2.tar.zst`)).toBe(await sha256(`${root}.3.tar.zst`));
      expect(again.table.archive).toBe(await sha256(`${root}.2.tar.zst`));
    });

    test('the chunk script never reads the caller\'s ~/.bashrc, which bash does for a top-level `bash -c` on a socket', async () => {
      // Node gives a child its stdin as a socketpair, and bash takes that for rshd; without SHLVL it is top-level.
      const home = await tempDir();
      const marker = join(home, 'bashrc-ran');
      await writeFile(join(home, '.bashrc'), `touch ${marker}\n`);
      const saved = { HOME: process.env['HOME'], SHLVL: process.env['SHLVL'] };
      process.env['HOME'] = home;
      delete process.env['SHLVL'];
      try {
        const root = await imageTree();
        await framed(root, `${root}.tar.zst`);
      } finally {
        if (saved.HOME !== undefined) process.env['HOME'] = saved.HOME;
        if (saved.SHLVL !== undefined) process.env['SHLVL'] = saved.SHLVL;
      }
      await expect(stat(marker)).rejects.toThrow(/ENOENT/);
    });

    test('a frame of the last archive that is not what its table says is compressed again', async () => {
      const root = await imageTree();
      const first = await framed(root, `${root}.1.tar.zst`);
      const bytes = await readFile(`${root}.1.tar.zst`);
      const [, offset, length] = first.table.frames[2] ?? [];
      if (offset === undefined || length === undefined) throw new Error('too few frames');
      const at = offset + Math.floor(length / 2);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
      await writeFile(`${root}.1.tar.zst`, bytes);
      const again = await framed(root, `${root}.2.tar.zst`, { table: first.table, path: `${root}.1.tar.zst` });
      expect(again.reused).toBe(again.total - 1);
      expect(await sha256(`${root}.2.tar.zst`)).toBe(first.table.archive);
    });
  });
});
