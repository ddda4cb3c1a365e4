import { lstatSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { Cas } from './cas.js';
import { loadManifest } from './materialize.js';
import type { ManifestEntry, ScannedEntry, TreeManifest } from './tree-manifest.js';
import { manifestText, scanTree } from './tree-manifest.js';
import type { TreeLayer } from './tree-layers.js';
import { fileDigests, isUnder, placeUnder, relativeTo, subtreeEntries } from './tree-layers.js';

export interface CommittedTree {
  readonly digest: string;
  readonly manifest: TreeManifest;
  /** The size of the manifest blob. */
  readonly manifestBytes: number;
  readonly bytes: number;
  readonly files: number;
}

/**
 * Where a scanned regular file's content comes from: a file to adopt into the CAS (moved, or linked when it
 * stays where it is), or a blob already there.
 */
type Source = { readonly adopt: string; readonly keep: boolean } | { readonly digest: string };

/**
 * Moves a finished output directory into the CAS: every regular file is hashed and renamed into cas/blobs
 * (same filesystem), one filesystem barrier makes them durable, then the canonical manifest is written as
 * a blob. The staging directory is removed afterwards. Blobs are durable before the manifest exists, and
 * the manifest before any index entry names it.
 *
 * Layers (tree-layers.ts) are scanned through their overlay mount, which gives exactly the tree a full copy
 * would; only files the overlay copied up are hashed, the rest keep the lower tree's digests. Reused
 * layers are spliced in from the lower manifest without reading a byte. Overlays are unmounted here.
 *
 * With `hotTree`, a staging directory without layers becomes the tree's hot copy: its files are linked
 * into the CAS instead of moved, and the directory is renamed to `hotTree(digest)`, so the next stage
 * reads it without copying a byte.
 */
export async function commitTree(cas: Cas, dir: string, layers: readonly TreeLayer[] = [], hotTree?: (digest: string) => string): Promise<CommittedTree> {
  const scanned = await scanTree(dir);
  // A blob shared with a hot tree keeps the file's mode, and must stay readable without privileges.
  const keep = hotTree !== undefined && layers.length === 0 && scanned.every((s) => s.entry.type !== 'file' || (s.entry.mode & 0o400) !== 0);
  for (const layer of layers) await layer.overlay?.unmount();
  const lowers = await Promise.all(layers.map(async (layer) => {
    const manifest = await loadManifest(cas, layer.lower.digest);
    if (manifest === undefined) throw new Error(`the stored tree ${layer.lower.digest} under ${layer.at} is missing or corrupt`);
    return { layer, manifest, digests: fileDigests(manifest) };
  }));
  const layerOf = (path: string) => lowers.find((l) => isUnder(path, l.layer.at));
  const sourceOf = async (s: ScannedEntry): Promise<Source> => {
    const l = layerOf(s.entry.path);
    const overlay = l?.layer.overlay;
    if (l === undefined || overlay === undefined) return { adopt: s.absolute, keep };
    const rel = relativeTo(s.entry.path, l.layer.at);
    const upper = join(overlay.upper, rel);
    // The upper layer is kept whole: later stages read this tree as it over the lower one (a view).
    if (lstatSync(upper, { throwIfNoEntry: false })?.isFile() === true) return { adopt: upper, keep: true };
    const digest = l.digests.get(placeUnder(rel, l.layer.lower.from));
    if (digest === undefined) throw new Error(`${s.entry.path} is neither in the overlay's upper layer nor in its lower tree`);
    return { digest };
  };
  const limit = pLimit(4);
  const resolved: ManifestEntry[][] = await Promise.all(scanned.map((s) => limit(async (): Promise<ManifestEntry[]> => {
    const reused = lowers.find((l) => l.layer.overlay === undefined && isUnder(s.entry.path, l.layer.at));
    // A reused layer's placeholder directory stands for the whole lower subtree.
    if (reused !== undefined) {
      if (s.entry.path !== reused.layer.at) throw new Error(`${s.entry.path} was written into ${reused.layer.at}, which reuses a stored tree as it is`);
      return subtreeEntries(reused.manifest, reused.layer.lower.from, reused.layer.at);
    }
    if (s.entry.type !== 'file' || s.entry.hardlink !== undefined) return [s.entry];
    const source = await sourceOf(s);
    const digest = 'digest' in source ? source.digest : (await cas.adoptFile(source.adopt, { keep: source.keep })).digest;
    return [{ ...s.entry, digest }];
  })));
  const entries = resolved.flat();
  await cas.barrier();
  const manifest: TreeManifest = { version: 1, entries };
  const text = Buffer.from(manifestText(manifest));
  const digest = await cas.putBytes(text);
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
  return { digest, manifest, manifestBytes: text.length, bytes, files };
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
