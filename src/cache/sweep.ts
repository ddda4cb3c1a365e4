import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreLayout } from './store-layout.js';
import { pidOfTempName } from './store-layout.js';

/** Removes staging dirs, temp blobs and half-built hot trees left by processes that no longer run. */
export async function sweepAbandoned(layout: StoreLayout, isAlive: (pid: number) => boolean): Promise<number> {
  let removed = 0;
  for (const [dir, prefix] of [[layout.staging, ''], [layout.tmp, ''], [layout.trees, '.tmp-']] as const) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = pidOfTempName(name.slice(prefix.length));
      if (pid !== undefined && isAlive(pid)) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
