import type { Stats } from 'node:fs';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readTreeXattrs } from './xattrs.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket';

/** One path of a tree. Timestamps are not part of a tree's identity (outputs clamp them to SOURCE_DATE_EPOCH). */
export interface ManifestEntry {
  /** Relative posix path; '.' is the root directory. */
  readonly path: string;
  readonly type: EntryType;
  /** Permission bits including setuid/setgid/sticky. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size?: number;
  readonly digest?: string;
  readonly target?: string;
  /** For the second and later paths of a hardlink group: the group's first path. */
  readonly hardlink?: string;
  readonly rdev?: { readonly major: number; readonly minor: number };
  /** Extended attributes, values base64. */
  readonly xattrs?: Readonly<Record<string, string>>;
}

export interface TreeManifest {
  readonly version: 1;
  readonly entries: readonly ManifestEntry[];
}

/** An entry with its members in sorted key order, so that plain JSON.stringify writes canonical JSON. */
function sortedEntry(e: ManifestEntry): Record<string, unknown> {
  const xattrs = e.xattrs === undefined ? undefined : Object.fromEntries(Object.entries(e.xattrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    digest: e.digest, gid: e.gid, hardlink: e.hardlink, mode: e.mode, path: e.path,
    rdev: e.rdev === undefined ? undefined : { major: e.rdev.major, minor: e.rdev.minor },
    size: e.size, target: e.target, type: e.type, uid: e.uid, xattrs,
  };
}

/**
 * The manifest's canonical JSON (what canonicalJson gives, the test checks), written without the generic
 * key sort: a tree has tens of thousands of entries, and this runs on every commit.
 */
export function manifestText(manifest: TreeManifest): string {
  return JSON.stringify({ entries: manifest.entries.map(sortedEntry), version: manifest.version });
}

/** Whether two entries describe the same thing at their paths: type, content, target, owner, mode, links, attributes. */
export function sameEntry(a: ManifestEntry, b: ManifestEntry): boolean {
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid
    && a.digest === b.digest && a.target === b.target && a.hardlink === b.hardlink
    && a.rdev?.major === b.rdev?.major && a.rdev?.minor === b.rdev?.minor
    && sameXattrs(a.xattrs ?? {}, b.xattrs ?? {});
}

/** In any order: a manifest read back has them sorted, one just committed as the tree listed them. */
function sameXattrs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

export function parseManifest(text: string): TreeManifest | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const m = value as { version?: unknown; entries?: unknown };
    if (m.version !== 1 || !Array.isArray(m.entries)) return undefined;
    return value as TreeManifest;
  } catch {
    return undefined;
  }
}

function typeOf(s: Stats): EntryType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isCharacterDevice()) return 'char';
  if (s.isBlockDevice()) return 'block';
  if (s.isFIFO()) return 'fifo';
  return 'socket';
}

/** A scanned path: its manifest fields, plus where the file is, for regular files still to be stored. */
export interface ScannedEntry {
  readonly entry: Omit<ManifestEntry, 'digest'>;
  readonly absolute: string;
}

/**
 * Walks a tree without following symlinks, in sorted order, recording hardlink groups by inode.
 * Digests are filled in by the caller as files move into the store. The walk uses synchronous calls: an
 * image has tens of thousands of entries, and a thread-pool round trip costs far more than each call.
 */
export async function scanTree(root: string): Promise<ScannedEntry[]> {
  const out: ScannedEntry[] = [];
  const firstPathOfInode = new Map<string, string>();
  const visit = (rel: string, abs: string): void => {
    const s = lstatSync(abs);
    const type = typeOf(s);
    const base = { path: rel, type, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
    if (type === 'file') {
      const inode = `${s.dev}:${s.ino}`;
      const first = s.nlink > 1 ? firstPathOfInode.get(inode) : undefined;
      if (first !== undefined) {
        out.push({ entry: { ...base, hardlink: first }, absolute: abs });
        return;
      }
      if (s.nlink > 1) firstPathOfInode.set(inode, rel);
      out.push({ entry: { ...base, size: s.size }, absolute: abs });
    } else if (type === 'symlink') {
      out.push({ entry: { ...base, target: readlinkSync(abs) }, absolute: abs });
    } else if (type === 'char' || type === 'block') {
      out.push({ entry: { ...base, rdev: { major: Math.floor(s.rdev / 256) & 0xfff, minor: (s.rdev & 0xff) | ((s.rdev >> 12) & 0xfff00) } }, absolute: abs });
    } else {
      out.push({ entry: base, absolute: abs });
    }
    if (type === 'dir') {
      const names = readdirSync(abs).sort();
      for (const name of names) visit(rel === '.' ? name : `${rel}/${name}`, join(abs, name));
    }
  };
  visit('.', root);
  const xattrs = await readTreeXattrs(root);
  if (xattrs.size === 0) return out;
  return out.map((s) => {
    const attrs = xattrs.get(s.entry.path);
    return attrs === undefined || Object.keys(attrs).length === 0 ? s : { ...s, entry: { ...s.entry, xattrs: attrs } };
  });
}
