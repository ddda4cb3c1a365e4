// A node output's subtree that starts as a subtree of a stored tree: reused as it is (no bytes copied) or
// mounted writable as an overlay on the read-only hot tree (only what the node changes is copied up).
// Committing such an output hashes only the copied-up files; every other file keeps its stored digest.
import type { ManifestEntry, TreeManifest } from './tree-manifest.js';

export interface TreeLayer {
  /** Where the subtree sits in the node's output directory (relative, posix). */
  readonly at: string;
  /** The stored tree and the path of the subtree in it ('.' for the whole tree). */
  readonly lower: { readonly digest: string; readonly from: string };
  /** When mounted writable: the overlay's upper directory and how to unmount it. */
  readonly overlay?: { readonly upper: string; readonly unmount: () => Promise<void>; readonly scratch: string };
}

/** Whether `path` is `at` or lies below it. */
export function isUnder(path: string, at: string): boolean {
  return at === '.' || path === at || path.startsWith(`${at}/`);
}

/** `path` below `at`, as a path relative to `at` ('.' for `at` itself). */
export function relativeTo(path: string, at: string): string {
  if (at === '.') return path;
  return path === at ? '.' : path.slice(at.length + 1);
}

/** `rel` (relative to some subtree root) placed under `at`. */
export function placeUnder(rel: string, at: string): string {
  if (at === '.') return rel;
  return rel === '.' ? at : `${at}/${rel}`;
}

/**
 * The entries of a manifest's `from` subtree, moved to `at`, in manifest order. A hardlink group whose
 * first path lies outside the subtree gets its first member inside the subtree as its new first path.
 */
export function subtreeEntries(manifest: TreeManifest, from: string, at: string): ManifestEntry[] {
  let byPath: Map<string, ManifestEntry> | undefined;
  const firstInside = new Map<string, string>();
  const out: ManifestEntry[] = [];
  for (const e of manifest.entries) {
    if (!isUnder(e.path, from)) continue;
    // In place (from = at), an entry is kept as it is.
    const path = from === at ? e.path : placeUnder(relativeTo(e.path, from), at);
    if (e.hardlink === undefined) {
      out.push(path === e.path ? e : { ...e, path });
      continue;
    }
    if (isUnder(e.hardlink, from)) {
      out.push(from === at ? e : { ...e, path, hardlink: placeUnder(relativeTo(e.hardlink, from), at) });
      continue;
    }
    const first = firstInside.get(e.hardlink);
    if (first !== undefined) {
      out.push({ ...e, path, hardlink: first });
      continue;
    }
    firstInside.set(e.hardlink, path);
    byPath ??= new Map(manifest.entries.map((m) => [m.path, m]));
    const group = byPath.get(e.hardlink);
    const own: ManifestEntry = { ...e, path, ...(group?.size === undefined ? {} : { size: group.size }), ...(group?.digest === undefined ? {} : { digest: group.digest }) };
    delete (own as { hardlink?: string }).hardlink;
    out.push(own);
  }
  return out;
}

/** Content digest of each regular file of a manifest by path, hardlinks resolved to their group's blob. */
export function fileDigests(manifest: TreeManifest): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of manifest.entries) {
    if (e.type !== 'file') continue;
    const digest = e.hardlink === undefined ? e.digest : out.get(e.hardlink);
    if (digest !== undefined) out.set(e.path, digest);
  }
  return out;
}

/**
 * Why a stored tree cannot be an overlay's lower layer, if it cannot: overlayfs would read a 0/0 character
 * device as a deletion and its own trusted.overlay.* attributes as instructions.
 */
export function overlayBlocker(manifest: TreeManifest): string | undefined {
  for (const e of manifest.entries) {
    if (e.type === 'char' && e.rdev?.major === 0 && e.rdev.minor === 0) return `${e.path} is a 0/0 character device`;
    if (Object.keys(e.xattrs ?? {}).some((name) => name.startsWith('trusted.overlay.'))) return `${e.path} has trusted.overlay.* attributes`;
  }
  return undefined;
}
