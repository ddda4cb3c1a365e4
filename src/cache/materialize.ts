import { writeTreeXattrs } from './xattrs.js';
import { chmodSync, lchownSync, linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Cas } from './cas.js';
import { CorruptBlobError } from './corrupt-blob-error.js';
import type { StoreLayout } from './store-layout.js';
import { tempName } from './store-layout.js';
import type { ManifestEntry, TreeManifest } from './tree-manifest.js';
import { parseManifest, sameEntry } from './tree-manifest.js';
import type { TreeLayer } from './tree-layers.js';
import { isUnder, placeUnder, relativeTo, subtreeEntries } from './tree-layers.js';

export interface MaterializeOptions {
  readonly layout: StoreLayout;
  readonly cas: Cas;
  readonly pid: number;
  readonly random: () => number;
}

export async function loadManifest(cas: Cas, digest: string): Promise<TreeManifest | undefined> {
  return cas.readParsed(digest, (bytes) => parseManifest(bytes.toString('utf8')));
}

/**
 * The read-only hot copy of a tree under trees/<digest>, built once from verified blobs (temp dir, then
 * rename) and shared by every reader. Nothing may write into it. A tree committed on layers borrows
 * every unchanged file from the hot trees below it (hard links), so only what its stage changed is copied.
 */
export async function hotTree(options: MaterializeOptions, digest: string): Promise<string> {
  const target = options.layout.tree(digest);
  if (await isDirectory(target)) return target;
  const manifest = await loadManifest(options.cas, digest);
  if (manifest === undefined) throw new CorruptBlobError(digest, digest, options.cas.path(digest));
  await mkdir(options.layout.trees, { recursive: true });
  const tmp = join(options.layout.trees, `.tmp-${tempName(options.pid, options.random)}`);
  try {
    await writeTree({ options, manifest, tree: digest, dest: tmp, borrow: await borrowFromLowers(options, digest, manifest) });
    await rename(tmp, target).catch(async (error: unknown) => {
      // Another process finished the same tree first: theirs is identical.
      if ((await stat(target).catch(() => undefined)) === undefined) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/**
 * A layer of a committed tree: its subtree at `at` started as the `from` subtree of the stored tree `lower`;
 * `upper` names the overlay upper layer kept under trees/.layers/ (what the stage changed, whiteouts included).
 */
interface Seed {
  readonly at: string;
  readonly lower: string;
  readonly from: string;
  readonly upper?: string;
}

const seedsPath = (options: MaterializeOptions, digest: string) => join(options.layout.trees, '.seeds', `${digest}.json`);

/** The seeds a layered commit recorded; undefined for other trees (or an unreadable record: nothing is borrowed). */
async function readSeeds(options: MaterializeOptions, digest: string): Promise<Seed[] | undefined> {
  const seeds = await readFile(seedsPath(options, digest), 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined);
  return Array.isArray(seeds) ? (seeds as Seed[]) : undefined;
}

const isDirectory = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isDirectory() === true;

const layersDir = (options: MaterializeOptions) => join(options.layout.trees, '.layers');

/**
 * Moves the upper layers of a commit's overlays under trees/.layers/ (their files are linked into the CAS,
 * see commitTree), so a later stage can stack them again over the lower tree; their names by layer.
 */
export async function keepUpperLayers(options: MaterializeOptions, digest: string, layers: readonly TreeLayer[]): Promise<(string | undefined)[]> {
  return Promise.all(layers.map(async (layer, i) => {
    if (layer.overlay === undefined) return undefined;
    const name = `${digest}-${i}`;
    await mkdir(layersDir(options), { recursive: true });
    // Another process may have kept the same layer first: theirs holds the same tree.
    return rename(layer.overlay.upper, join(layersDir(options), name)).then(() => name, async () => {
      return (await isDirectory(join(layersDir(options), name))) ? name : undefined;
    });
  }));
}

/**
 * The directories to stack, topmost first, for a read-only view of a stored tree's `from` subtree: its hot
 * tree's when there is one; else the kept upper layer of the overlay it was committed on, over the view of
 * the tree below. Undefined when neither exists (the caller makes the hot tree).
 */
export async function viewLayers(options: MaterializeOptions, digest: string, from: string): Promise<string[] | undefined> {
  const hot = options.layout.tree(digest);
  if (await isDirectory(hot)) return [join(hot, from)];
  const seed = (await readSeeds(options, digest))?.find((s) => s.at === from && s.upper !== undefined);
  if (seed?.upper === undefined) return undefined;
  const upper = join(layersDir(options), seed.upper);
  if (!(await isDirectory(upper))) return undefined;
  const below = await viewLayers(options, seed.lower, seed.from);
  return below === undefined ? undefined : [upper, ...below];
}

/** Remembers which stored trees a layered commit started from; its hot tree borrows their files. */
export async function recordSeeds(options: MaterializeOptions, digest: string, layers: readonly TreeLayer[], uppers: readonly (string | undefined)[] = []): Promise<void> {
  if (layers.length === 0) return;
  const seeds: Seed[] = layers.map((l, i) => ({ at: l.at, lower: l.lower.digest, from: l.lower.from, ...(uppers[i] === undefined ? {} : { upper: uppers[i] }) }));
  const path = seedsPath(options, digest);
  await mkdir(join(options.layout.trees, '.seeds'), { recursive: true });
  const tmp = `${path}.${tempName(options.pid, options.random)}`;
  await writeFile(tmp, JSON.stringify(seeds));
  await rename(tmp, path);
}

/** Paths in a hardlink group: linking one of them from elsewhere would join two groups. */
function grouped(entries: readonly ManifestEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) if (e.hardlink !== undefined) out.add(e.path).add(e.hardlink);
  return out;
}

/**
 * For a tree with recorded seeds whose lower hot trees still exist: where an identical file of a lower
 * hot tree can be linked from, by path. Anything unreadable is simply not borrowed.
 */
async function borrowFromLowers(options: MaterializeOptions, digest: string, manifest: TreeManifest): Promise<Map<string, string> | undefined> {
  const seeds = await readSeeds(options, digest);
  if (seeds === undefined) return undefined;
  const own = grouped(manifest.entries);
  const borrow = new Map<string, string>();
  for (const seed of seeds) {
    const hot = options.layout.tree(seed.lower);
    if (!(await isDirectory(hot))) continue;
    const lower = await loadManifest(options.cas, seed.lower);
    if (lower === undefined) continue;
    const lowerGroups = grouped(lower.entries);
    const byPath = new Map(lower.entries.map((e) => [e.path, e]));
    for (const e of manifest.entries) {
      if (e.type !== 'file' || own.has(e.path) || !isUnder(e.path, seed.at)) continue;
      const path = placeUnder(relativeTo(e.path, seed.at), seed.from);
      const match = byPath.get(path);
      // The link shares the inode, so content, owner, mode and attributes must all be the same.
      if (match !== undefined && !lowerGroups.has(path) && sameEntry(e, match)) borrow.set(e.path, join(hot, path));
    }
  }
  return borrow;
}

/** Copies run in parallel: each is one in-kernel copy, so the threads mostly wait on the disk. */
const COPIES_IN_FLIGHT = 8;

/**
 * Writes a manifest's tree at `dest`: directories, then file contents (verified blobs, copied in parallel),
 * then links and special files, then owners and modes, then extended attributes. Metadata calls are
 * synchronous: a tree has tens of thousands of them, and a thread-pool round trip costs more than each.
 */
async function writeTree(args: { options: MaterializeOptions; manifest: TreeManifest; tree: string; dest: string; borrow?: ReadonlyMap<string, string> | undefined }): Promise<void> {
  const { options, manifest, tree, dest } = args;
  const borrow = args.borrow ?? new Map<string, string>();
  const at = (entry: ManifestEntry) => (entry.path === '.' ? dest : join(dest, entry.path));
  mkdirSync(dest, { recursive: true });
  // Parents come before their children in a manifest, so a plain mkdir does (a recursive one costs a stat
  // per level); a directory may exist already when entries are written into an existing tree.
  for (const entry of manifest.entries) {
    if (entry.type !== 'dir' || entry.path === '.') continue;
    try {
      mkdirSync(at(entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  for (const [path, from] of borrow) linkSync(from, join(dest, path));
  const limit = pLimit(COPIES_IN_FLIGHT);
  // The first failure (a corrupt blob) stops the copies not yet started and is thrown once the ones in flight
  // have ended, so the caller's cleanup never races a copy still writing into `dest`.
  let failed: { readonly error: unknown } | undefined;
  await Promise.all(manifest.entries.filter((e) => e.type === 'file' && e.hardlink === undefined && !borrow.has(e.path)).map((e) => limit(async () => {
    if (failed !== undefined) return;
    try {
      const digest = e.digest ?? '';
      if (!(await options.cas.verify(digest))) throw new CorruptBlobError(tree, digest, options.cas.path(digest));
      await copyFile(options.cas.path(digest), at(e));
    } catch (error) {
      failed ??= { error };
    }
  })));
  if (failed !== undefined) throw failed.error;
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
  // Borrowed files already have their owner, mode and attributes, and share the inode with a tree others read.
  const owned = manifest.entries.filter((e) => e.hardlink === undefined && !borrow.has(e.path));
  for (const entry of owned) if (entry.type !== 'dir') setOwner(entry);
  // Directories last, deepest first, so read-only directories do not block their own contents.
  for (const entry of owned.filter((e) => e.type === 'dir').reverse()) setOwner(entry);
  // After chown, which clears security.capability.
  await writeTreeXattrs(dest, owned.flatMap((e) => (e.xattrs === undefined ? [] : [[e.path, e.xattrs] as const])));
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

/** The entries of a stored tree's `from` subtree, relative to it; none when the tree has no such path. */
export async function storedEntries(options: MaterializeOptions, digest: string, from = '.'): Promise<readonly ManifestEntry[]> {
  const manifest = await loadManifest(options.cas, digest);
  if (manifest === undefined) throw new CorruptBlobError(digest, digest, options.cas.path(digest));
  return from === '.' ? manifest.entries : subtreeEntries(manifest, from, '.');
}

/**
 * Writes a stored tree (or its `from` subtree) to a new directory `dest` straight from verified blobs,
 * without a hot tree: for copies that leave the store (published outputs), which must share no inodes
 * with it, and for small parts of big trees. Top-level names in `skip` are left out.
 */
export async function exportTree(options: MaterializeOptions, digest: string, dest: string, from = '.', skip: readonly string[] = []): Promise<void> {
  const all = await storedEntries(options, digest, from);
  if (all.length === 0) throw new Error(`the stored tree ${digest.slice(0, 12)} has no ${from}`);
  const entries = skip.length === 0 ? all : all.filter((e) => !skip.some((name) => isUnder(e.path, name)));
  await writeEntries(options, digest, entries, dest);
}

/** Writes the given entries of a stored tree into `dest`, which may already hold the rest of it. */
export async function writeEntries(options: MaterializeOptions, digest: string, entries: readonly ManifestEntry[], dest: string): Promise<void> {
  await writeTree({ options, manifest: { version: 1, entries }, tree: digest, dest });
}
