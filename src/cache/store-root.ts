import { join } from 'node:path';

/**
 * The store root: the CacheDirectory setting when set, else /var/cache/mkb for root, else ~/.cache/mkb
 * (DESIGN §4). Callers pass the facts; this reads nothing.
 */
export function defaultStoreRoot(facts: { cacheDirectory?: string | null | undefined; uid: number; home: string; xdgCacheHome?: string | undefined }): string {
  if (facts.cacheDirectory) return join(facts.cacheDirectory, 'mkb');
  if (facts.uid === 0) return '/var/cache/mkb';
  return join(facts.xdgCacheHome ?? join(facts.home, '.cache'), 'mkb');
}
