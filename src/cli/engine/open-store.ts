import { LocalStore } from '../../cache/local-store.js';
import { defaultStoreRoot } from '../../cache/store-root.js';
import type { EngineRuntime } from './runtime.js';

/** Opens the local store: --cache-dir, else CacheDirectory= (when the config provides it), else the default. */
export function openStore(options: { cacheDir?: string | undefined; cacheDirectory?: string | undefined; runtime: EngineRuntime; warn: (message: string, hint?: string) => void }): Promise<LocalStore> {
  const { runtime } = options;
  const root = options.cacheDir ?? defaultStoreRoot({ cacheDirectory: options.cacheDirectory, uid: runtime.uid, home: runtime.home, xdgCacheHome: runtime.env['XDG_CACHE_HOME'] });
  return LocalStore.open({
    root, pid: runtime.pid, host: runtime.host, now: runtime.now, random: runtime.random, isAlive: runtime.isAlive, sleep: runtime.sleep,
    warn: options.warn,
  });
}
