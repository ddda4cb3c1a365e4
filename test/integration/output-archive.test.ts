import { createHash } from 'node:crypto';
import { lutimes, mkdir, mkdtemp, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { writeCpio, writeTar } from '../../src/nodes/output/archive.js';
import { tempDir } from '../helpers/temp-dir.js';

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
});
