import { readdir } from 'node:fs/promises';
import type { LocalStore } from './local-store.js';

export interface StoreStats {
  readonly root: string;
  readonly entries: number;
  readonly blobs: number;
  readonly blobBytes: number;
  readonly hotTrees: number;
  readonly historyEntries: number;
  readonly statCacheEntries: number;
  readonly builtMs: number;
}

/** Counts of what the store holds, for `mkb cache stats`. */
export async function storeStats(store: LocalStore): Promise<StoreStats> {
  const { index } = store;
  let blobs = 0;
  let blobBytes = 0;
  for (const { value } of index.blobs.getRange()) {
    blobs++;
    blobBytes += value;
  }
  let entries = 0;
  let builtMs = 0;
  for (const { value } of index.ac.getRange()) {
    entries++;
    builtMs += value.durationMs;
  }
  const trees = await readdir(store.layout.trees).catch(() => [] as string[]);
  return {
    root: store.layout.root, entries, blobs, blobBytes, hotTrees: trees.filter((t) => !t.startsWith('.')).length,
    historyEntries: index.history.getCount(), statCacheEntries: index.stat.getCount(), builtMs,
  };
}
