// Publishing: puts an image's output tree into OutputDirectory. The tree is copied from the store into a
// staging directory inside OutputDirectory and each entry renamed into place, so a final name never holds
// a half-written file. A record of what was published lets a no-op build copy nothing at all, and a
// directory published before (Format=directory) is moved into staging and updated there file by file.
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { TreeUpdateRequest } from '../../cache/types.js';
import type { TreeSignature, TreeSurvey } from '../../cache/update-tree.js';
import { signTree, surveyTree } from '../../cache/update-tree.js';
import { clampMtimes } from '../finalize/clamp-mtimes.js';
import { pathExists } from './node-support.js';

export interface PublishRecord {
  readonly digest: string;
  /** Top-level names published (files, directories, the `<Output>` symlink). */
  readonly files: readonly string[];
  /** The published top-level directories as they were left, to update them in place next time. */
  readonly trees?: Readonly<Record<string, TreeSignature>>;
  /** OutputMode= they were published with (null: as stored). */
  readonly mode: number | null;
}

export interface PublishOptions {
  /** The output node's tree digest. */
  readonly digest: string;
  readonly outputDir: string;
  /** `Output=`: names the record, so several images can publish into one directory. */
  readonly output: string;
  /**
   * Writes a store tree, but for the top-level names in `skip`, into `dest`, sharing no inodes with the
   * store (the store's exportTree).
   */
  readonly copyTree: (digest: string, dest: string, skip: readonly string[]) => Promise<void>;
  /**
   * Updates a directory published before in place and returns its new signature (the store's updateTree);
   * without it, everything is copied.
   */
  readonly updateTree?: (request: TreeUpdateRequest) => Promise<TreeSignature | undefined>;
  /** Unique per process, for staging names. */
  readonly tag: string;
  /** SourceDateEpoch: the store keeps no mtimes, so published trees are clamped again. */
  readonly clampMtime?: number;
  /** OutputMode=: the mode of every top-level regular file (as mkosi: not directories, not symlinks). */
  readonly mode?: number;
  /** The published directories as surveyed while the output was built (surveyPublishedTrees), by name. */
  readonly surveys?: ReadonlyMap<string, TreeSurvey>;
  /** Whether a process runs: what a publish killed on the way left behind (named by its pid tag) is removed. */
  readonly isAlive?: (pid: number) => boolean;
  /** A directory this image published before and kept aside (findKeptTree), updated back into place when none is published now. */
  readonly kept?: KeptTree;
}

export interface PublishResult {
  /** Nothing copied: the directory already held exactly this output. */
  readonly upToDate: boolean;
  readonly files: readonly string[];
  readonly outputDir: string;
}

export const recordPath = (outputDir: string, output: string): string => join(outputDir, `.mkb-published.${output}.json`);

async function readRecord(path: string): Promise<PublishRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<PublishRecord>;
    if (typeof value.digest !== 'string' || !Array.isArray(value.files)) return undefined;
    return {
      digest: value.digest, files: value.files, mode: typeof value.mode === 'number' ? value.mode : null,
      ...(typeof value.trees === 'object' && value.trees !== null ? { trees: value.trees } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Every name an image published into `outputDir` (its record included), for `clean`; none when it never published. */
export async function publishedNames(outputDir: string, output: string): Promise<string[]> {
  const record = await readRecord(recordPath(outputDir, output));
  return record === undefined ? [] : [...record.files, `.mkb-published.${output}.json`];
}

export async function publishOutput(o: PublishOptions): Promise<PublishResult> {
  const record = recordPath(o.outputDir, o.output);
  const previous = await readRecord(record);
  const mode = o.mode ?? null;
  if (previous?.digest === o.digest && previous.mode === mode) {
    const all = await Promise.all(previous.files.map((f) => pathExists(join(o.outputDir, f))));
    if (all.every(Boolean)) return { upToDate: true, files: previous.files, outputDir: o.outputDir };
  }
  await mkdir(o.outputDir, { recursive: true });
  if (o.isAlive !== undefined) await sweepLeftovers(o.outputDir, o.isAlive);
  const staging = join(o.outputDir, `.mkb-staging-${o.tag}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(staging);
    const updated = await updatePublishedTrees(o, previous, staging);
    await o.copyTree(o.digest, staging, [...updated.keys()]);
    if (o.clampMtime !== undefined) await clampMtimes(staging, o.clampMtime);
    const files = (await readdir(staging)).sort();
    if (mode !== null) {
      for (const name of files) if ((await lstat(join(staging, name))).isFile()) await chmod(join(staging, name), mode);
    }
    for (const name of files) {
      const target = join(o.outputDir, name);
      const old = join(o.outputDir, `.mkb-old-${o.tag}-${name}`);
      const replaced = await pathExists(target);
      if (replaced) await rename(target, old);
      await rename(join(staging, name), target);
      if (replaced) await rm(old, { recursive: true, force: true });
    }
    // Names this image published before and no longer produces (e.g. after switching Format=).
    for (const stale of previous?.files ?? []) {
      if (!files.includes(stale)) await rm(join(o.outputDir, stale), { recursive: true, force: true });
    }
    const trees: Record<string, TreeSignature> = {};
    for (const name of files) {
      if (!(await lstat(join(o.outputDir, name))).isDirectory()) continue;
      // Clamping mtimes changed every ctime since the update signed what it left.
      const signed = o.clampMtime === undefined ? updated.get(name) : undefined;
      trees[name] = signed ?? signTree(join(o.outputDir, name));
    }
    const tmp = `${record}.${o.tag}`;
    await writeFile(tmp, JSON.stringify({ digest: o.digest, files, mode, trees } satisfies PublishRecord) + '\n');
    await rename(tmp, record);
    return { upToDate: false, files, outputDir: o.outputDir };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The names a publish works under, tagged with its process id: staging, replaced and retired entries, the
 * records being written (a publish record, a kept tree's).
 */
const LEFTOVER = /^\.mkb-(?:staging-(\d+)$|old-(\d+)-|retired-(\d+)-|published\..*\.json\.(\d+)$|kept-(\d+)-)/;

/** Removes what publishing processes that no longer run left in `outputDir` (a build killed while publishing). */
export async function sweepLeftovers(outputDir: string, isAlive: (pid: number) => boolean): Promise<void> {
  for (const name of await readdir(outputDir).catch(() => [] as string[])) {
    const m = LEFTOVER.exec(name);
    const pid = Number(m?.slice(1).find((group) => group !== undefined));
    if (m === null || !Number.isSafeInteger(pid) || isAlive(pid)) continue;
    await removeTree(join(outputDir, name));
  }
}

/**
 * Moves the directories an image published last time out of the way when the next publish cannot update
 * them in place (the image is no longer a directory): into `keep` (the store's kept/), to be updated back
 * into place when the image is a directory again, or, where that is another file system, renamed aside and
 * removed while the build runs (mkosi removes its old outputs before building as well). Either way its name
 * never shows a half-removed tree.
 */
export async function retirePublishedTrees(o: {
  readonly outputDir: string; readonly output: string; readonly tag: string; readonly keep?: string; readonly isAlive?: (pid: number) => boolean;
}): Promise<void> {
  const previous = await readRecord(recordPath(o.outputDir, o.output));
  if (o.keep !== undefined) await pruneKeptTrees(o.keep, o.isAlive);
  await Promise.all(Object.entries(previous?.trees ?? {}).map(async ([name, signature]) => {
    const dir = join(o.outputDir, name);
    if (!(await isDirectory(dir))) return;
    if (o.keep !== undefined && previous !== undefined && await keepAside({ keep: o.keep, outputDir: o.outputDir, name, dir, digest: previous.digest, signature, tag: o.tag })) return;
    const retired = join(o.outputDir, `.mkb-retired-${o.tag}-${name}`);
    await rename(dir, retired);
    await removeTree(retired);
  }));
}

/** A directory kept aside: where it is, and the output tree and signature it was published from and left with. */
export interface KeptTree {
  readonly name: string;
  readonly dir: string;
  readonly record: string;
  readonly digest: string;
  readonly signature: TreeSignature;
}

interface KeptRecord {
  readonly outputDir: string;
  readonly name: string;
  readonly digest: string;
  readonly signature: TreeSignature;
}

/** A kept directory's record as written, unchecked; undefined when missing or not JSON. */
function readKeptRecord(path: string): Promise<Partial<KeptRecord> | undefined> {
  return readFile(path, 'utf8').then((text) => JSON.parse(text) as Partial<KeptRecord>, () => undefined);
}

/** One kept directory per published name: a later one replaces it. */
function keptPaths(keep: string, outputDir: string, name: string): { dir: string; record: string } {
  const id = createHash('sha256').update(`${resolve(outputDir)}\0${name}`).digest('hex').slice(0, 32);
  return { dir: join(keep, id), record: join(keep, `${id}.json`) };
}

/** Renames `dir` into `keep`; false when `keep` is on another file system (nothing moved). */
async function keepAside(o: { keep: string; outputDir: string; name: string; dir: string; digest: string; signature: TreeSignature; tag: string }): Promise<boolean> {
  await mkdir(o.keep, { recursive: true });
  const kept = keptPaths(o.keep, o.outputDir, o.name);
  const older = join(o.keep, `.mkb-old-${o.tag}-${basename(kept.dir)}`);
  const hadOlder = await rename(kept.dir, older).then(() => true, (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return false;
    throw e;
  });
  // The record before the directory: a build killed in between leaves a record without a directory, which
  // is never used, rather than a directory nothing names.
  const record: KeptRecord = { outputDir: resolve(o.outputDir), name: o.name, digest: o.digest, signature: o.signature };
  const tmp = join(o.keep, `.mkb-kept-${o.tag}-${basename(kept.record)}`);
  await writeFile(tmp, JSON.stringify(record) + '\n');
  await rename(tmp, kept.record);
  const moved = await rename(o.dir, kept.dir).then(() => true, (e: NodeJS.ErrnoException) => {
    if (e.code === 'EXDEV') return false;
    throw e;
  });
  if (!moved) await rm(kept.record, { force: true });
  if (hadOlder) await removeTree(older);
  return moved;
}

/**
 * Removes the kept directories of output directories that no longer exist (nothing can take them back), or
 * of `outputDir` when given, and what retiring processes that no longer run left behind.
 */
async function pruneKeptTrees(keep: string, isAlive: ((pid: number) => boolean) | undefined, outputDir?: string): Promise<void> {
  if (isAlive !== undefined) await sweepLeftovers(keep, isAlive);
  for (const name of await readdir(keep).catch(() => [] as string[])) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const from = (await readKeptRecord(join(keep, name)))?.outputDir;
    if (typeof from === 'string' && from !== outputDir && await pathExists(from)) continue;
    await rm(join(keep, name), { force: true });
    await removeTree(join(keep, name.slice(0, -'.json'.length)));
  }
}

/** The directory published as `name` into `outputDir` and kept aside since, if there is one. */
export async function findKeptTree(keep: string, outputDir: string, name: string): Promise<KeptTree | undefined> {
  const kept = keptPaths(keep, outputDir, name);
  const record = await readKeptRecord(kept.record);
  if (record?.outputDir !== resolve(outputDir) || record.name !== name || typeof record.digest !== 'string' || record.signature === undefined) return undefined;
  if (!(await isDirectory(kept.dir))) return undefined;
  return { name, ...kept, digest: record.digest, signature: record.signature };
}

/**
 * Removes every directory kept from `outputDir` (clean): also those of names no longer published there (an
 * older ImageVersion), which mkb would otherwise keep until the output directory is gone.
 */
export async function discardKeptTrees(keep: string, outputDir: string): Promise<void> {
  await pruneKeptTrees(keep, undefined, resolve(outputDir));
}

/** rm(1) removes a large tree faster than fs.rm's recursion. */
async function removeTree(path: string): Promise<void> {
  const { execa } = await import('execa');
  await execa('rm', ['-rf', '--', path], { stdin: 'ignore' });
}

/** Surveys (surveyTree) the directories an image published last time, for the next publish to update them. */
export async function surveyPublishedTrees(o: { readonly outputDir: string; readonly output: string }): Promise<Map<string, TreeSurvey>> {
  const previous = await readRecord(recordPath(o.outputDir, o.output));
  const surveys = Object.entries(previous?.trees ?? {}).map(async ([name, signature]) => [name, await surveyTree(join(o.outputDir, name), signature)] as const);
  return new Map(await Promise.all(surveys));
}

const isDirectory = (path: string): Promise<boolean> => lstat(path).then((s) => s.isDirectory(), () => false);

/**
 * Moves each directory published last time into staging and updates it there to the new tree; the names
 * updated, with their new signatures. One that cannot be updated in place is removed and copied whole with the rest.
 */
async function updatePublishedTrees(o: PublishOptions, previous: PublishRecord | undefined, staging: string): Promise<Map<string, TreeSignature>> {
  const updated = new Map<string, TreeSignature>();
  const updateTree = o.updateTree;
  if (updateTree === undefined || previous?.trees === undefined) return updated;
  // `dir`, in staging, updated from the tree it was published from; removed when only a fresh copy will do.
  const update = async (name: string, dir: string, from: TreeUpdateRequest['previous']): Promise<void> => {
    const signed = await updateTree({ digest: o.digest, from: name, dir, previous: from });
    if (signed !== undefined) updated.set(name, signed);
    else await rm(dir, { recursive: true, force: true });
  };
  for (const [name, signature] of Object.entries(previous.trees)) {
    const dir = join(staging, name);
    if (!(await isDirectory(join(o.outputDir, name)))) continue;
    await rename(join(o.outputDir, name), dir);
    const survey = o.surveys?.get(name);
    await update(name, dir, { digest: previous.digest, signature, ...(survey === undefined ? {} : { survey }) });
  }
  const kept = o.kept;
  if (kept !== undefined && !updated.has(kept.name) && !(await isDirectory(join(o.outputDir, kept.name)))) {
    // Out of kept/ before anything else: from staging it is removed if the update fails. Its record after
    // it, so that nothing but a record naming no directory is left by a build killed in between.
    const dir = join(staging, kept.name);
    await rename(kept.dir, dir);
    await rm(kept.record, { force: true });
    await update(kept.name, dir, { digest: kept.digest, signature: kept.signature });
  }
  return updated;
}
