import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStore } from '../../cache/local-store.js';
import { defaultStoreRoot } from '../../cache/store-root.js';
import { StoreLayout } from '../../cache/store-layout.js';
import type { EngineRuntime } from './runtime.js';

/** Opens the local store: --cache-dir, else CacheDirectory= (when the config provides it), else the default. */
export function openStore(options: { cacheDir?: string | undefined; cacheDirectory?: string | undefined; runtime: EngineRuntime; warn: (message: string, hint?: string) => void }): Promise<LocalStore> {
  const { runtime } = options;
  const root = options.cacheDir === undefined
    ? defaultStoreRoot({ cacheDirectory: options.cacheDirectory, uid: runtime.uid, home: runtime.home, xdgCacheHome: runtime.env['XDG_CACHE_HOME'] })
    : storeRootOf(options.cacheDir);
  return LocalStore.open({
    root, pid: runtime.pid, host: runtime.host, now: runtime.now, random: runtime.random, isAlive: runtime.isAlive, sleep: runtime.sleep,
    warn: options.warn,
  });
}

/**
 * `--cache-dir` names a store root. Given the directory a build's `--cache-directory=` named instead, whose
 * store is its `mkb/`, that store is meant: opening the directory itself would make an empty store there.
 */
export function storeRootOf(dir: string): string {
  const nested = join(dir, 'mkb');
  return !existsSync(new StoreLayout(dir).index) && existsSync(new StoreLayout(nested).index) ? nested : dir;
}
