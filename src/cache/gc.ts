import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeKey } from '../graph/keys.js';
import { blobsOf } from './commit-tree.js';
import type { LocalStore } from './local-store.js';
import { loadManifest } from './materialize.js';

export interface GcOptions {
  /** High watermark: collect only when the store holds more than this many bytes. */
  readonly maxBytes: number;
  /** Collect down to this fraction of maxBytes (the low watermark), default 0.8. */
  readonly lowWatermark?: number;
  /** Keys of the current build's closure: never evicted. */
  readonly pinned?: ReadonlySet<string>;
  /** While another process builds, orphan blobs younger than this are kept: it may be about to index them. */
  readonly orphanGraceMs?: number;
  readonly now: () => number;
}

export interface GcResult {
  readonly before: number;
  readonly after: number;
  readonly evictedEntries: number;
  readonly deletedBlobs: number;
}

/**
 * Size-bounded LRU collection. Above the high watermark, cache entries are evicted in order of last use
 * (pinned ones never) until the blobs still referenced fit under the low watermark; unreferenced blobs and
 * hot trees are deleted. Entries go from the index before their blobs go from disk, so a concurrent reader
 * sees a miss. A concurrent writer that deduplicated against a blob deleted here re-creates it (adoptFile
 * renames over existing blobs); if it loses that race its entry fails verification later: a miss, never a
 * wrong output.
 */
export async function collectGarbage(store: LocalStore, options: GcOptions): Promise<GcResult> {
  const { index, cas } = store;
  await index.flushed();
  const sizes = new Map<string, number>();
  for (const { key, value } of index.blobs.getRange()) sizes.set(key, value);
  const total = (): number => [...sizes.values()].reduce((a, b) => a + b, 0);
  const before = total();
  const refs = new Map<string, number>();
  const entryBlobs = new Map<string, string[]>();
  for (const { key, value } of index.ac.getRange()) {
    const manifest = await loadManifest(cas, value.digest);
    const blobs = manifest === undefined ? [value.digest] : [...blobsOf(value.digest, manifest).keys()];
    entryBlobs.set(key, blobs);
    for (const b of blobs) refs.set(b, (refs.get(b) ?? 0) + 1);
  }
  const referencedBytes = (): number => [...refs.keys()].reduce((a, d) => a + (sizes.get(d) ?? 0), 0);
  let evicted = 0;
  const freed = new Set<string>();
  if (before > options.maxBytes) {
    const low = options.maxBytes * (options.lowWatermark ?? 0.8);
    const lru = [...entryBlobs.keys()]
      .filter((k) => options.pinned?.has(k) !== true)
      .sort((a, b) => (index.lastUse.get(a) ?? 0) - (index.lastUse.get(b) ?? 0));
    let current = referencedBytes();
    for (const key of lru) {
      if (current <= low) break;
      await store.dropKey(key as NodeKey);
      evicted++;
      for (const b of entryBlobs.get(key) ?? []) {
        const left = (refs.get(b) ?? 1) - 1;
        if (left > 0) refs.set(b, left);
        else {
          refs.delete(b);
          freed.add(b);
          current -= sizes.get(b) ?? 0;
        }
      }
    }
  }
  const othersBuilding = store.othersBuilding();
  const deleted = await deleteUnreferenced({
    store, sizes, refs, freed, graceMs: othersBuilding ? options.orphanGraceMs ?? 60 * 60_000 : 0, now: options.now,
    collecting: before > options.maxBytes, othersBuilding,
  });
  await pruneMemos(store);
  await index.flushed();
  return { before, after: total(), evictedEntries: evicted, deletedBlobs: deleted };
}

/** Steps' memos (RunContext.memo) kept: small index values, so a count bounds them. */
export const MEMO_LIMIT = 256;

/** Drops the memos used least recently beyond MEMO_LIMIT. */
async function pruneMemos(store: LocalStore): Promise<void> {
  const memos = [...store.index.memos.getRange()].sort((a, b) => b.value.at - a.value.at);
  for (const { key } of memos.slice(MEMO_LIMIT)) await store.index.memos.remove(key);
}

async function deleteUnreferenced(args: {
  store: LocalStore; sizes: Map<string, number>; refs: ReadonlyMap<string, number>; freed: ReadonlySet<string>;
  graceMs: number; now: () => number; collecting: boolean; othersBuilding: boolean;
}): Promise<number> {
  const { store, sizes, refs } = args;
  let deleted = 0;
  for (const digest of [...sizes.keys()]) {
    if (refs.has(digest)) continue;
    const path = store.cas.path(digest);
    const s = await stat(path).catch(() => undefined);
    // Orphans (unreferenced before this run) may belong to a build about to index them: keep young ones.
    if (!args.freed.has(digest) && s !== undefined && args.now() - s.mtimeMs < args.graceMs) continue;
    await store.index.blobs.remove(digest);
    await rm(path, { force: true });
    store.cas.forget(digest);
    sizes.delete(digest);
    deleted++;
  }
  // Hot trees are copies of what the blobs hold. Unreferenced ones always go; when collecting and no other
  // process is building (one might be reading a hot tree), all of them go: they are rebuilt on demand.
  const dropAll = args.collecting && !args.othersBuilding;
  for (const name of await readdir(store.layout.trees).catch(() => [] as string[])) {
    if (!name.startsWith('.') && (dropAll || !refs.has(name))) await rm(join(store.layout.trees, name), { recursive: true, force: true });
  }
  // Kept upper layers and seed records (named <tree digest>-<n> and <tree digest>.json) go with their tree.
  for (const sub of ['.layers', '.seeds']) {
    for (const name of await readdir(join(store.layout.trees, sub)).catch(() => [] as string[])) {
      if (dropAll || !refs.has(name.slice(0, 64))) await rm(join(store.layout.trees, sub, name), { recursive: true, force: true });
    }
  }
  return deleted;
}
