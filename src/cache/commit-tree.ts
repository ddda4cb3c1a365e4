import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import pLimit from 'p-limit';
import type { Cas } from './cas.js';
import { loadManifest } from './materialize.js';
import type { ManifestEntry, TreeManifest } from './tree-manifest.js';
import { manifestText, scanTree } from './tree-manifest.js';
import type { TreeLayer } from './tree-layers.js';
import { isUnder, subtreeEntries } from './tree-layers.js';
import { overlayEntries } from './overlay-merge.js';

export interface CommittedTree {
  readonly digest: string;
  readonly manifest: TreeManifest;
  /** The size of the manifest blob. */
  readonly manifestBytes: number;
  /** The blobs this commit stored (the manifest and the files it adopted), with their sizes; a layer's others were stored with their tree. */
  readonly stored: ReadonlyMap<string, number>;
  readonly bytes: number;
  readonly files: number;
}

/**
 * Moves a finished output directory into the CAS: every regular file is hashed and renamed into cas/blobs
 * (same filesystem), one filesystem barrier makes them durable, then the canonical manifest is written as
 * a blob. The staging directory is removed afterwards. Blobs are durable before the manifest exists, and
 * the manifest before any index entry names it.
 *
 * Layers (tree-layers.ts) are spliced in from the lower tree's manifest: a reused one as it is, an overlay
 * with its upper layer's changes applied (overlay-merge.ts), so only the files the overlay copied up are
 * read and hashed. Overlays are unmounted here.
 *
 * With `hotTree`, a staging directory without layers becomes the tree's hot copy: its files are linked
 * into the CAS instead of moved, and the directory is renamed to `hotTree(digest)`, so the next stage
 * reads it without copying a byte.
 */
export async function commitTree(cas: Cas, dir: string, layers: readonly TreeLayer[] = [], hotTree?: (digest: string) => string): Promise<CommittedTree> {
  // An overlay is read from its layers, not through its mount: unmounted first, its mount point is empty.
  for (const layer of layers) await layer.overlay?.unmount();
  const scanned = await scanTree(dir);
  // A blob shared with a hot tree keeps the file's mode, and must stay readable without privileges.
  const keep = hotTree !== undefined && layers.length === 0 && scanned.every((s) => s.entry.type !== 'file' || (s.entry.mode & 0o400) !== 0);
  const lowers = await Promise.all(layers.map(async (layer) => {
    const manifest = await loadManifest(cas, layer.lower.digest);
    if (manifest === undefined) throw new Error(`the stored tree ${layer.lower.digest} under ${layer.at} is missing or corrupt`);
    return { layer, manifest };
  }));
  const limit = pLimit(4);
  const stored = new Map<string, number>();
  const adopt = (file: string, keepFile: boolean) => limit(async () => {
    const { digest, size } = await cas.adoptFile(file, { keep: keepFile });
    stored.set(digest, size);
    return digest;
  });
  const resolved: ManifestEntry[][] = await Promise.all(scanned.map(async (s): Promise<ManifestEntry[]> => {
    const layer = lowers.find((l) => isUnder(s.entry.path, l.layer.at));
    if (layer !== undefined) {
      // The layer's placeholder directory stands for the whole subtree.
      if (s.entry.path !== layer.layer.at) throw new Error(`${s.entry.path} was written into ${layer.layer.at}, which is a stored tree's layer`);
      const { at, lower, overlay } = layer.layer;
      if (overlay === undefined) return subtreeEntries(layer.manifest, lower.from, at);
      // The upper layer is kept whole (later stages view this tree as it over the lower one): its files are linked, not moved.
      return overlayEntries({ lower: subtreeEntries(layer.manifest, lower.from, at), upper: overlay.upper, at, store: (file) => adopt(file, true) });
    }
    if (s.entry.type !== 'file' || s.entry.hardlink !== undefined) return [s.entry];
    return [{ ...s.entry, digest: await adopt(s.absolute, keep) }];
  }));
  const entries = resolved.flat();
  await cas.barrier();
  const manifest: TreeManifest = { version: 1, entries };
  const text = Buffer.from(manifestText(manifest));
  const digest = await cas.putBytes(text);
  cas.rememberParsed(digest, manifest);
  stored.set(digest, text.length);
  if (keep && hotTree !== undefined) await keepAsHotTree(dir, hotTree(digest));
  else await rm(dir, { recursive: true, force: true });
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.type === 'file' && e.hardlink === undefined) {
      bytes += e.size ?? 0;
      files++;
    }
  }
  return { digest, manifest, manifestBytes: text.length, stored, bytes, files };
}

async function keepAsHotTree(dir: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // Another process may have made the same tree hot first: theirs is identical.
  await rename(dir, target).catch(() => rm(dir, { recursive: true, force: true }));
}

/** Every blob a manifest names, itself included. */
export function blobsOf(digest: string, manifest: TreeManifest, manifestBytes = Buffer.byteLength(manifestText(manifest))): Map<string, number> {
  const out = new Map<string, number>([[digest, manifestBytes]]);
  for (const e of manifest.entries) if (e.digest !== undefined) out.set(e.digest, e.size ?? 0);
  return out;
}
