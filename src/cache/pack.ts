import { mkdir } from 'node:fs/promises';
import { blobsOf, commitTree } from './commit-tree.js';
import type { LocalStore } from './local-store.js';

/**
 * The packed form of a tree, for transfer: a deterministic tar (sorted names, POSIX format, numeric owners,
 * zero mtimes, no atime/ctime) compressed with zstd. The same tree always packs to the same bytes.
 */
export async function packTree(store: LocalStore, digest: string, outFile: string): Promise<void> {
  const tree = await store.readOnlyTree(digest);
  const { execa } = await import('execa');
  const tar = execa('tar', [
    '--sort=name', '--format=posix', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    '--mtime=@0', '--numeric-owner', '--xattrs', '-C', tree, '-cf', '-', '.',
  ], { stdout: 'pipe', encoding: 'buffer' });
  const zstd = execa('zstd', ['-q', '-T1', '-3', '-f', '-o', outFile], { stdin: 'pipe' });
  tar.stdout.pipe(zstd.stdin);
  await Promise.all([tar, zstd]);
}

/** Unpacks a packed tree into the store and returns its manifest digest (recomputed, never trusted). */
export async function unpackTree(store: LocalStore, packed: string): Promise<string> {
  const dir = await store.newStagingDir();
  await mkdir(dir, { recursive: true });
  const { execa } = await import('execa');
  const zstd = execa('zstd', ['-q', '-d', '-c', packed], { stdout: 'pipe', encoding: 'buffer' });
  const tar = execa('tar', ['--numeric-owner', '--xattrs', '-C', dir, '-xf', '-'], { stdin: 'pipe' });
  zstd.stdout.pipe(tar.stdin);
  await Promise.all([zstd, tar]);
  const committed = await commitTree(store.cas, dir);
  for (const [d, size] of blobsOf(committed.digest, committed.manifest)) void store.index.blobs.put(d, size);
  return committed.digest;
}
