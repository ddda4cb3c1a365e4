import { LocalStore } from '../../src/cache/local-store.js';

export interface TestStoreOptions {
  readonly pid?: number;
  readonly warnings?: string[];
  readonly isAlive?: (pid: number) => boolean;
  readonly lastUseGranularityMs?: number;
  readonly syncFilesystem?: (dir: string) => Promise<void>;
}

/** Opens a real local store under `root` with deterministic, injectable process facts. */
export function openTestStore(root: string, options: TestStoreOptions = {}): Promise<LocalStore> {
  let n = 0;
  return LocalStore.open({
    root,
    pid: options.pid ?? 4242,
    host: 'test-host',
    now: () => 1_700_000_000_000 + n++,
    random: Math.random,
    isAlive: options.isAlive ?? (() => false),
    sleep: (ms, signal) => new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    }),
    warn: (message) => options.warnings?.push(message),
    ...(options.lastUseGranularityMs === undefined ? {} : { lastUseGranularityMs: options.lastUseGranularityMs }),
    ...(options.syncFilesystem === undefined ? {} : { syncFilesystem: options.syncFilesystem }),
  });
}
