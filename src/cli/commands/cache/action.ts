import { collectGarbage } from '../../../cache/gc.js';
import { storeStats } from '../../../cache/store-stats.js';
import { verifyStore } from '../../../cache/verify-store.js';
import { formatBytes, formatMs } from '../../../report/reporter.js';
import { EXIT } from '../../engine/exit.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

export interface CacheStatsOptions {
  readonly cacheDir?: string;
  readonly json: boolean;
}

/** `mkb cache stats`. */
export async function cacheStatsAction(options: CacheStatsOptions, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const s = await storeStats(store);
    if (options.json) runtime.out(`${JSON.stringify(s)}\n`);
    else {
      runtime.out([
        `store:        ${s.root}`,
        `entries:      ${s.entries} (took ${formatMs(s.builtMs)} to build)`,
        `blobs:        ${s.blobs} (${formatBytes(s.blobBytes)})`,
        `hot trees:    ${s.hotTrees}`,
        `history:      ${s.historyEntries} node runs`,
        `stat cache:   ${s.statCacheEntries} files`,
      ].join('\n') + '\n');
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export interface CacheGcOptions {
  readonly cacheDir?: string;
  readonly maxSize: number;
  readonly lowWatermark?: number;
}

/** `mkb cache gc --max-size SIZE`: LRU eviction down to the low watermark. */
export async function cacheGcAction(options: CacheGcOptions, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const r = await collectGarbage(store, {
      maxBytes: options.maxSize, now: runtime.now, ...(options.lowWatermark === undefined ? {} : { lowWatermark: options.lowWatermark }),
    });
    runtime.out(`${formatBytes(r.before)} → ${formatBytes(r.after)}: evicted ${r.evictedEntries} entries, deleted ${r.deletedBlobs} blobs\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `mkb cache verify`: re-hash every entry's blobs; bad entries are dropped (they rebuild next time). */
export async function cacheVerifyAction(options: { readonly cacheDir?: string }, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const r = await verifyStore(store);
    runtime.out(`${r.checked} entries checked, ${r.dropped.length} dropped\n`);
    return r.dropped.length === 0 ? EXIT.ok : EXIT.buildFailed;
  } finally {
    await store.close();
  }
}
