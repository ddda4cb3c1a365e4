// The tree an overlay showed, computed from what it was made of: the lower tree's manifest with the upper
// layer's changes applied. Committing a stage that ran on an overlay then reads only the paths it changed
// instead of walking the merged view (tens of thousands of lstat calls for an image). The overlays mkb
// mounts have no redirects, metadata-only copy-ups or index (overlay.ts), so an upper layer holds exactly:
// complete copies of every new or changed path, 0/0 character devices for deleted ones, and directories
// marked opaque where a directory was replaced.
import type { ManifestEntry, ScannedEntry } from './tree-manifest.js';
import { scanTree } from './tree-manifest.js';
import { placeUnder } from './tree-layers.js';
import { comparePathComponents } from '../util/path-order.js';

/** overlayfs' own attributes: instructions to it, hidden in the merged view. */
const OVERLAY_XATTR = 'trusted.overlay.';
/** `y`, base64 (manifest xattr values are base64). */
const OPAQUE = 'eQ==';

type Base = Omit<ManifestEntry, 'digest' | 'size' | 'hardlink'>;

/**
 * A path of the merged tree: the lower tree's entry while the stage left it alone (it is then reused as it
 * is), or the upper layer's metadata; for a regular file, which hardlink group of which layer holds its content.
 */
interface Merged {
  readonly lower?: ManifestEntry;
  readonly base?: Base;
  /** For regular files: `lower:<first path>` or `upper:<first path>` of its group in that layer. */
  readonly group?: string;
}

const typeOf = (m: Merged): ManifestEntry['type'] | undefined => (m.lower ?? m.base)?.type;

interface GroupContent {
  readonly size: number;
  /** The lower tree's digest, or the upper file to store. */
  readonly digest?: string;
  readonly absolute?: string;
}

function withoutOverlayXattrs(xattrs: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
  if (xattrs === undefined) return undefined;
  const kept = Object.entries(xattrs).filter(([name]) => !name.startsWith(OVERLAY_XATTR));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

function baseOf(e: Omit<ManifestEntry, 'digest'>, xattrs: Readonly<Record<string, string>> | undefined): Base {
  return {
    path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid,
    ...(e.target === undefined ? {} : { target: e.target }), ...(e.rdev === undefined ? {} : { rdev: e.rdev }), ...(xattrs === undefined ? {} : { xattrs }),
  };
}

/** Drops what lies below `path` (and `path` itself when asked); only a directory has anything below it. */
function removeSubtree(merged: Map<string, Merged>, path: string, withItself: boolean): void {
  const was = merged.get(path);
  const wasDir = was !== undefined && typeOf(was) === 'dir';
  if (withItself) merged.delete(path);
  if (!wasDir) return;
  const prefix = path === '.' ? '' : `${path}/`;
  for (const key of merged.keys()) if (key !== '.' && key.startsWith(prefix)) merged.delete(key);
}

/**
 * The merged paths in manifest order. The lower tree's paths keep theirs (a Map iterates in insertion
 * order), so only the paths the upper layer added are sorted, then merged in.
 */
function manifestOrder(merged: ReadonlyMap<string, Merged>, added: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  const extra: string[] = [];
  for (const path of merged.keys()) (added.has(path) ? extra : kept).push(path);
  for (let i = 1; i < kept.length; i++) {
    // A lower tree not in manifest order (never written by mkb) is sorted whole.
    if (comparePathComponents(kept[i - 1] as string, kept[i] as string) >= 0) return [...merged.keys()].sort(comparePathComponents);
  }
  extra.sort(comparePathComponents);
  const out: string[] = [];
  let j = 0;
  for (const path of kept) {
    while (j < extra.length && comparePathComponents(extra[j] as string, path) < 0) out.push(extra[j++] as string);
    out.push(path);
  }
  while (j < extra.length) out.push(extra[j++] as string);
  return out;
}

/**
 * The manifest entries of the tree an overlay showed: `lower` (its lower tree's entries, already placed
 * where the layer sits) with the upper directory's changes applied. Files the upper layer holds are stored
 * through `store` (which returns their digest); the rest keep the lower tree's entries, the very objects
 * where nothing about them changed. Hardlink groups are those the merged view showed: the lower tree's
 * (less what the stage replaced) and the upper layer's own.
 */
export async function overlayEntries(o: {
  readonly lower: readonly ManifestEntry[]; readonly upper: string; readonly at: string; readonly store: (absolute: string) => Promise<string>;
}): Promise<ManifestEntry[]> {
  const merged = new Map<string, Merged>();
  const content = new Map<string, GroupContent>();
  for (const e of o.lower) {
    const group = e.type === 'file' ? `lower:${e.hardlink ?? e.path}` : undefined;
    if (group !== undefined && e.hardlink === undefined) content.set(group, { size: e.size ?? 0, ...(e.digest === undefined ? {} : { digest: e.digest }) });
    merged.set(e.path, group === undefined ? { lower: e } : { lower: e, group });
  }
  const upper: ScannedEntry[] = await scanTree(o.upper);
  /** Paths set from the upper layer that were not in the map then: they are not in the lower tree's order. */
  const added = new Set<string>();
  const set = (path: string, m: Merged): void => {
    if (!merged.has(path)) added.add(path);
    merged.set(path, m);
  };
  for (const { entry, absolute } of upper) {
    const path = placeUnder(entry.path, o.at);
    if (entry.type === 'char' && entry.rdev?.major === 0 && entry.rdev.minor === 0) {
      removeSubtree(merged, path, true);
      continue;
    }
    const base = baseOf({ ...entry, path }, withoutOverlayXattrs(entry.xattrs));
    if (entry.type === 'dir') {
      const below = merged.get(path);
      if (entry.xattrs?.['trusted.overlay.opaque'] === OPAQUE || (below !== undefined && typeOf(below) !== 'dir')) removeSubtree(merged, path, false);
      set(path, { base });
      continue;
    }
    removeSubtree(merged, path, true);
    const group = entry.type === 'file' ? `upper:${entry.hardlink ?? entry.path}` : undefined;
    if (group !== undefined && entry.hardlink === undefined) content.set(group, { size: entry.size ?? 0, absolute });
    set(path, group === undefined ? { base } : { base, group });
  }
  const stored = new Map(await Promise.all([...content].flatMap(([group, c]) => (c.absolute === undefined ? [] : [
    o.store(c.absolute).then((digest) => [group, digest] as const),
  ]))));
  const firstOfGroup = new Map<string, string>();
  const out: ManifestEntry[] = [];
  for (const path of manifestOrder(merged, added)) {
    const m = merged.get(path) as Merged;
    if (m.group === undefined) {
      out.push(m.lower ?? (m.base as Base));
      continue;
    }
    const first = firstOfGroup.get(m.group);
    if (first !== undefined) {
      out.push(m.lower?.hardlink === first ? m.lower : { ...withoutContent(m), hardlink: first });
      continue;
    }
    firstOfGroup.set(m.group, path);
    if (m.lower !== undefined && m.lower.hardlink === undefined) {
      out.push(m.lower);
      continue;
    }
    const c = content.get(m.group);
    const digest = c?.digest ?? stored.get(m.group);
    if (c === undefined || digest === undefined) throw new Error(`${path}: its hardlink group has no content in the overlay's layers`);
    out.push({ ...withoutContent(m), size: c.size, digest });
  }
  return out;
}

/** The entry's metadata, without its content or group. */
function withoutContent(m: Merged): Base {
  return m.lower === undefined ? m.base as Base : baseOf(m.lower, m.lower.xattrs);
}
