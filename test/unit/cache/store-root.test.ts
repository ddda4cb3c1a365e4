import { describe, expect, test } from 'vitest';
import { defaultStoreRoot } from '../../../src/cache/store-root.js';

describe('defaultStoreRoot', () => {
  test('CacheDirectory= wins, then /var/cache/mkb for root, then the user cache directory', () => {
    expect(defaultStoreRoot({ cacheDirectory: '/srv/cache', uid: 0, home: '/root' })).toBe('/srv/cache/mkb');
    expect(defaultStoreRoot({ uid: 0, home: '/root' })).toBe('/var/cache/mkb');
    expect(defaultStoreRoot({ uid: 1000, home: '/home/u' })).toBe('/home/u/.cache/mkb');
    expect(defaultStoreRoot({ uid: 1000, home: '/home/u', xdgCacheHome: '/tmp/xdg' })).toBe('/tmp/xdg/mkb');
  });
});
