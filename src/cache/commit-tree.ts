import { rm } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { Cas } from './cas.js';
import type { ManifestEntry, TreeManifest } from './tree-manifest.js';
import { manifestText, scanTree } from './tree-manifest.js';

export interface CommittedTree {
  readonly digest: string;
  readonly manifest: TreeManifest;
  readonly bytes: number;
  readonly files: number;
}

/**
 * Moves a finished output directory into the CAS: every regular file is hashed and renamed into cas/blobs
 * (same filesystem), one filesystem barrier makes them durable, then the canonical manifest is written as
 * a blob. The staging directory is removed afterwards. Blobs are durable before the manifest exists, and
 * the manifest before any index entry names it.
 */
export async function commitTree(cas: Cas, dir: string): Promise<CommittedTree> {
  const scanned = await scanTree(dir);
  const limit = pLimit(4);
  const entries: ManifestEntry[] = await Promise.all(scanned.map((s) => limit(async (): Promise<ManifestEntry> => {
    if (s.entry.type !== 'file' || s.entry.hardlink !== undefined) return s.entry;
    const { digest } = await cas.adoptFile(s.absolute);
    return { ...s.entry, digest };
  })));
  await cas.barrier();
  const manifest: TreeManifest = { version: 1, entries };
  const digest = await cas.putBytes(Buffer.from(manifestText(manifest)));
  await rm(dir, { recursive: true, force: true });
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (e.type === 'file' && e.hardlink === undefined) {
      bytes += e.size ?? 0;
      files++;
    }
  }
  return { digest, manifest, bytes, files };
}

/** Every blob a manifest names, itself included. */
export function blobsOf(digest: string, manifest: TreeManifest): Map<string, number> {
  const out = new Map<string, number>([[digest, Buffer.byteLength(manifestText(manifest))]]);
  for (const e of manifest.entries) if (e.digest !== undefined) out.set(e.digest, e.size ?? 0);
  return out;
}
