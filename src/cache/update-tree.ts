// Brings a directory written from one stored tree up to date with another, touching only what differs:
// a Format=directory output republished after a small change rewrites a few files, not 200 MiB. What the
// directory held is known from a signature taken when it was written (inode, ctime and size per path),
// so anything changed since, even by hand, is noticed and rewritten too.
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { walkTree } from '../util/walk-tree.js';
import type { ManifestEntry } from './tree-manifest.js';
import { sameEntry } from './tree-manifest.js';

/**
 * Per relative path ('.' excluded): `inode:ctime:size` as the directory was left after writing it (ctime in
 * milliseconds, to a fraction of a microsecond: finer than the clock ticks file systems stamp with).
 */
export type TreeSignature = Readonly<Record<string, string>>;

/** Plain numbers, not bigint: one lstat per path of an image, and bigint stats are several objects each. */
const formatStamp = (ino: number, ctimeMs: number, size: number): string => `${ino}:${ctimeMs}:${size}`;

/** A path as found: its stamp and whether it is a directory; null when nothing is there. */
type Seen = { readonly stamp: string; readonly dir: boolean } | null;

function see(path: string): Seen {
  const s = lstatSync(path, { throwIfNoEntry: false });
  return s === undefined ? null : { stamp: formatStamp(s.ino, s.ctimeMs, s.size), dir: s.isDirectory() };
}

const stamp = (path: string): string | undefined => see(path)?.stamp;

/** The signed paths of a directory as surveyTree found them. */
export type TreeSurvey = ReadonlyMap<string, Seen>;

/** lstat of each path it is given, on a worker thread: [inode, ctime ms, size, is a directory], null when absent. */
const SURVEY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
parentPort.postMessage(workerData.map((path) => {
  const s = lstatSync(path, { throwIfNoEntry: false });
  return s === undefined ? null : [s.ino, s.ctimeMs, s.size, s.isDirectory()];
}));
`;

/**
 * Reads ahead what an update of `dir` reads first, the stamp of every signed path, on a worker thread:
 * started while this thread is busy with something else (committing the output the directory is to be
 * updated to), it takes the update's longest step off this thread. A path changed after its survey keeps
 * its old stamp in the new signature, and the next update rewrites it.
 */
export async function surveyTree(dir: string, signature: TreeSignature): Promise<TreeSurvey> {
  const { Worker } = await import('node:worker_threads');
  const paths = Object.keys(signature);
  const worker = new Worker(SURVEY_WORKER, { eval: true, workerData: paths.map((path) => under(dir, path)) });
  const found = await new Promise<([number, number, number, boolean] | null)[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the survey of ${dir} stopped (exit ${code})`)));
  });
  return new Map(paths.map((path, i) => {
    const s = found[i] ?? null;
    return [path, s === null ? null : { stamp: formatStamp(s[0], s[1], s[2]), dir: s[3] }];
  }));
}

/** `rel` under `dir`: the manifest's paths are normal already, so no path.join. */
const under = (dir: string, rel: string): string => (rel === '.' ? dir : `${dir}/${rel}`);

/** The signature of `dir` as it is now. */
export function signTree(dir: string): TreeSignature {
  const out: Record<string, string> = {};
  for (const path of walkTree(dir)) {
    const s = stamp(under(dir, path));
    if (s !== undefined) out[path] = s;
  }
  return out;
}

export interface TreeUpdate {
  /** The directory, as `previous` was written into it and signed. */
  readonly dir: string;
  readonly previous: readonly ManifestEntry[];
  readonly signature: TreeSignature;
  /** What it must hold now (paths relative to `dir`, '.' its root). */
  readonly next: readonly ManifestEntry[];
  /** The signed paths as surveyed ahead (surveyTree); the others are read here. */
  readonly survey?: TreeSurvey;
}

/**
 * What to remove from `dir` and which entries of `next` to write into it, or undefined when only a fresh
 * copy is right (a directory losing extended attributes cannot be fixed in place). Only directories
 * touched since the signature are read: an entry added to or removed from one changes its ctime.
 */
export interface TreeUpdatePlan {
  readonly remove: readonly string[];
  readonly write: readonly ManifestEntry[];
  /** The stamps of the paths found in place and kept, as the plan saw them. */
  readonly kept: ReadonlyMap<string, string>;
}

export function planTreeUpdate(u: TreeUpdate): TreeUpdatePlan | undefined {
  const before = new Map<string, ManifestEntry>();
  for (const e of u.previous) before.set(e.path, e);
  const after = new Map<string, ManifestEntry>();
  for (const e of u.next) after.set(e.path, e);
  const remove: string[] = [];
  const removed = new Set<string>();
  const present = new Map<string, string>();
  const dirty = new Set<string>();
  /** Paths found untouched, and the same in both trees: nothing to write. */
  const same = new Set<string>();
  const unknownChildren = (rel: string): string[] => readdirSync(under(u.dir, rel))
    .map((name) => (rel === '.' ? name : `${rel}/${name}`)).filter((path) => u.signature[path] === undefined);
  // Parents come before their children, so nothing below a removed path (maybe now a symlink) is looked at.
  const consider = (path: string): void => {
    if (removed.size > 0 && below(path, removed)) return;
    const surveyed = u.survey?.get(path);
    const s = surveyed === undefined ? see(under(u.dir, path)) : surveyed;
    if (s === null) return;
    const stamped = s.stamp;
    const touched = u.signature[path] !== stamped;
    if (touched) dirty.add(path);
    const want = after.get(path);
    const had = before.get(path);
    const unchanged = had !== undefined && want !== undefined && sameEntry(had, want);
    const keepsDir = want?.type === 'dir' && had?.type === 'dir' && s.dir;
    if (want === undefined || (!keepsDir && (touched || !unchanged))) {
      remove.push(path);
      removed.add(path);
      return;
    }
    present.set(path, stamped);
    if (!touched && unchanged) same.add(path);
    if (touched && s.dir) for (const child of unknownChildren(path)) consider(child);
  };
  for (const child of unknownChildren('.')) consider(child);
  for (const path of Object.keys(u.signature)) consider(path);
  const write: ManifestEntry[] = [];
  const written = new Set<string>();
  for (const want of u.next) {
    const had = before.get(want.path);
    const unchanged = want.path === '.' ? had !== undefined && sameEntry(had, want) : same.has(want.path);
    // A hardlink follows its group's first path when that is rewritten.
    const relink = want.hardlink !== undefined && written.has(want.hardlink);
    if (unchanged && !relink) continue;
    if (want.type === 'dir' && had?.type === 'dir' && Object.keys(had.xattrs ?? {}).some((name) => want.xattrs?.[name] === undefined)) return undefined;
    if (relink && present.has(want.path)) remove.push(want.path);
    write.push(want);
    written.add(want.path);
  }
  return { remove, write, kept: present };
}

const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');

/**
 * The signature of a directory after `plan` was carried out: the stamps the plan took of what it kept, and
 * new ones only for what was written and for the directories whose entries changed. The same as signTree
 * of the directory, without reading every path again; not after anything else touched it (clamping mtimes).
 */
export function signUpdated(dir: string, plan: TreeUpdatePlan): TreeSignature {
  const out = new Map(plan.kept);
  const again = new Set<string>();
  for (const path of plan.remove) again.add(parentOf(path));
  for (const e of plan.write) again.add(e.path).add(parentOf(e.path));
  again.delete('.');
  for (const path of again) {
    const s = stamp(under(dir, path));
    if (s === undefined) out.delete(path);
    else out.set(path, s);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Whether one of `path`'s ancestors is in `paths`. */
function below(path: string, paths: ReadonlySet<string>): boolean {
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) if (paths.has(path.slice(0, i))) return true;
  return false;
}

/** Removes what the plan says (synchronously: few paths, and each call is cheap). */
export function removePaths(dir: string, paths: readonly string[]): void {
  for (const path of paths) rmSync(under(dir, path), { recursive: true, force: true });
}
