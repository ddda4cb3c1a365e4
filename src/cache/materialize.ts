import { writeTreeXattrs } from './xattrs.js';
import { chmodSync, lchownSync, linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Cas } from './cas.js';
import { CorruptBlobError } from './corrupt-blob-error.js';
import type { StoreLayout } from './store-layout.js';
import { tempName } from './store-layout.js';
import type { ManifestEntry, TreeManifest } from './tree-manifest.js';
import { parseManifest } from './tree-manifest.js';
import { subtreeEntries } from './tree-layers.js';

export interface MaterializeOptions {
  readonly layout: StoreLayout;
  readonly cas: Cas;
  readonly pid: number;
  readonly random: () => number;
}

export async function loadManifest(cas: Cas, digest: string): Promise<TreeManifest | undefined> {
  const bytes = await cas.read(digest);
  return bytes === undefined ? undefined : parseManifest(bytes.toString('utf8'));
}

/**
 * The read-only hot copy of a tree under trees/<digest>, built once from verified blobs (temp dir, then
 * rename) and shared by every reader. Nothing may write into it.
 */
export async function hotTree(options: MaterializeOptions, digest: string): Promise<string> {
  const target = options.layout.tree(digest);
  if ((await stat(target).catch(() => undefined))?.isDirectory() === true) return target;
  const manifest = await loadManifest(options.cas, digest);
  if (manifest === undefined) throw new CorruptBlobError(digest, digest, options.cas.path(digest));
  await mkdir(options.layout.trees, { recursive: true });
  const tmp = join(options.layout.trees, `.tmp-${tempName(options.pid, options.random)}`);
  try {
    await writeTree({ options, manifest, tree: digest, dest: tmp });
    await rename(tmp, target).catch(async (error: unknown) => {
      // Another process finished the same tree first: theirs is identical.
      if ((await stat(target).catch(() => undefined)) === undefined) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/** Copies run in parallel: each is one in-kernel copy, so the threads mostly wait on the disk. */
const COPIES_IN_FLIGHT = 8;

/**
 * Writes a manifest's tree at `dest`: directories, then file contents (verified blobs, copied in parallel),
 * then links and special files, then owners and modes, then extended attributes. Metadata calls are
 * synchronous: a tree has tens of thousands of them, and a thread-pool round trip costs more than each.
 */
async function writeTree(args: { options: MaterializeOptions; manifest: TreeManifest; tree: string; dest: string }): Promise<void> {
  const { options, manifest, tree, dest } = args;
  const at = (entry: ManifestEntry) => (entry.path === '.' ? dest : join(dest, entry.path));
  for (const entry of manifest.entries) if (entry.type === 'dir') mkdirSync(at(entry), { recursive: true });
  const limit = pLimit(COPIES_IN_FLIGHT);
  await Promise.all(manifest.entries.filter((e) => e.type === 'file' && e.hardlink === undefined).map((e) => limit(async () => {
    const digest = e.digest ?? '';
    if (!(await options.cas.verify(digest))) throw new CorruptBlobError(tree, digest, options.cas.path(digest));
    await copyFile(options.cas.path(digest), at(e));
  })));
  for (const entry of manifest.entries) {
    if (entry.type === 'file' && entry.hardlink !== undefined) linkSync(join(dest, entry.hardlink), at(entry));
    else if (entry.type === 'symlink') symlinkSync(entry.target ?? '', at(entry));
    else if (entry.type !== 'file' && entry.type !== 'dir') await writeSpecial(entry, at(entry));
  }
  const setOwner = (entry: ManifestEntry) => {
    try {
      lchownSync(at(entry), entry.uid, entry.gid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
    if (entry.type !== 'symlink') chmodSync(at(entry), entry.mode);
  };
  const owned = manifest.entries.filter((e) => e.hardlink === undefined);
  for (const entry of owned) if (entry.type !== 'dir') setOwner(entry);
  // Directories last, deepest first, so read-only directories do not block their own contents.
  for (const entry of owned.filter((e) => e.type === 'dir').reverse()) setOwner(entry);
  // After chown, which clears security.capability.
  await writeTreeXattrs(dest, manifest.entries.flatMap((e) => (e.xattrs === undefined || e.hardlink !== undefined ? [] : [[e.path, e.xattrs] as const])));
}

async function writeSpecial(entry: ManifestEntry, at: string): Promise<void> {
  // Sockets cannot be recreated meaningfully; mkosi drops them too.
  if (entry.type === 'socket') return;
  const { execa } = await import('execa');
  if (entry.type === 'fifo') await execa('mkfifo', [at]);
  else await execa('mknod', [at, entry.type === 'char' ? 'c' : 'b', String(entry.rdev?.major ?? 0), String(entry.rdev?.minor ?? 0)]);
}

/**
 * Copies a tree to `dest` for a stage that will modify it: a reflink where the filesystem can, else a
 * copy, never a hardlink, so a mutable stage shares no inodes with the store.
 */
export async function copyTreeTo(options: MaterializeOptions, digest: string, dest: string): Promise<void> {
  const source = await hotTree(options, digest);
  await mkdir(dest, { recursive: true });
  const { execa } = await import('execa');
  await execa('cp', ['-a', '--reflink=auto', '--no-target-directory', source, dest]);
}

/**
 * Writes a stored tree (or its `from` subtree) to a new directory `dest` straight from verified blobs,
 * without a hot tree: for copies that leave the store (published outputs), which must share no inodes
 * with it, and for small parts of big trees.
 */
export async function exportTree(options: MaterializeOptions, digest: string, dest: string, from = '.'): Promise<void> {
  const manifest = await loadManifest(options.cas, digest);
  if (manifest === undefined) throw new CorruptBlobError(digest, digest, options.cas.path(digest));
  const entries = from === '.' ? manifest.entries : subtreeEntries(manifest, from, '.');
  if (entries.length === 0) throw new Error(`the stored tree ${digest.slice(0, 12)} has no ${from}`);
  await writeTree({ options, manifest: { version: 1, entries }, tree: digest, dest });
}
