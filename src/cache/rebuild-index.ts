import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readActionFile } from './action-file.js';
import type { Cas } from './cas.js';
import { blobsOf } from './commit-tree.js';
import { loadManifest } from './materialize.js';
import type { StoreIndex } from './store-index.js';
import type { StoreLayout } from './store-layout.js';

async function listTwoLevel(dir: string): Promise<{ name: string; path: string }[]> {
  const out: { name: string; path: string }[] = [];
  for (const shard of (await readdir(dir).catch(() => [] as string[])).sort()) {
    for (const name of (await readdir(join(dir, shard)).catch(() => [] as string[])).sort()) {
      out.push({ name, path: join(dir, shard, name) });
    }
  }
  return out;
}

/**
 * Rebuilds an empty index from cas/: every blob is verified (corrupt ones are deleted), and every action
 * file whose tree is complete becomes an index entry again. Entries whose blobs are gone are dropped: a miss.
 */
export async function rebuildIndex(options: {
  index: StoreIndex; cas: Cas; layout: StoreLayout; warn: (message: string) => void; now: () => number;
}): Promise<{ entries: number; blobs: number; dropped: number }> {
  const { index, cas, layout } = options;
  const sizes = new Map<string, number>();
  let corrupt = 0;
  for (const blob of await listTwoLevel(layout.blobs)) {
    if (await cas.verify(blob.name)) {
      const size = await cas.has(blob.name);
      if (size !== undefined) sizes.set(blob.name, size);
    } else {
      corrupt++;
    }
  }
  let entries = 0;
  let dropped = 0;
  for (const file of await listTwoLevel(layout.actions)) {
    const action = await readActionFile(file.path);
    const manifest = action && sizes.has(action.record.digest) ? await loadManifest(cas, action.record.digest) : undefined;
    const complete = action !== undefined && manifest !== undefined
      && [...blobsOf(action.record.digest, manifest).keys()].every((d) => sizes.has(d));
    if (!complete || action === undefined) {
      await rm(file.path, { force: true });
      dropped++;
      continue;
    }
    void index.ac.put(action.key, action.record);
    void index.preimages.put(action.key, action.preimage);
    void index.lastUse.put(action.key, action.record.created);
    entries++;
  }
  for (const [digest, size] of sizes) void index.blobs.put(digest, size);
  await index.flushed();
  if (corrupt > 0 || dropped > 0) options.warn(`rebuilt the store index: ${corrupt} corrupt blobs deleted, ${dropped} incomplete entries dropped`);
  return { entries, blobs: sizes.size, dropped };
}
