import { describe, expect, test } from 'vitest';
import { fileDigests, overlayBlocker, subtreeEntries } from '../../../src/cache/tree-layers.js';
import type { ManifestEntry, TreeManifest } from '../../../src/cache/tree-manifest.js';

const dir = (path: string): ManifestEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
const file = (path: string, digest: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, digest, ...extra });
const link = (path: string, first: string): ManifestEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, hardlink: first });
const manifest = (...entries: ManifestEntry[]): TreeManifest => ({ version: 1, entries });

describe('tree layers', () => {
  test('a subtree moves to its new place with its hardlinks renamed along', () => {
    const m = manifest(dir('.'), dir('meta'), file('meta/x', 'm'), dir('root'), file('root/a', 'd1'), link('root/b', 'root/a'));
    expect(subtreeEntries(m, 'root', 'image')).toEqual([dir('image'), file('image/a', 'd1'), link('image/b', 'image/a')]);
  });

  test('a hardlink group whose first path lies outside the subtree gets a new first path inside it', () => {
    const m = manifest(dir('.'), dir('out'), file('out/f', 'd1', { size: 7 }), dir('root'), link('root/g', 'out/f'), link('root/h', 'out/f'));
    expect(subtreeEntries(m, 'root', 'img')).toEqual([dir('img'), { ...file('img/g', 'd1'), size: 7 }, link('img/h', 'img/g')]);
  });

  test('the whole tree can be placed under a directory', () => {
    expect(subtreeEntries(manifest(dir('.'), file('a', 'd')), '.', 'sub')).toEqual([dir('sub'), file('sub/a', 'd')]);
  });

  test('file digests resolve hardlinks to their group blob', () => {
    const digests = fileDigests(manifest(dir('.'), file('a', 'd1'), link('b', 'a'), { path: 'l', type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'a' }));
    expect([...digests]).toEqual([['a', 'd1'], ['b', 'd1']]);
  });

  test('trees overlayfs would misread cannot be a lower layer', () => {
    expect(overlayBlocker(manifest(dir('.'), file('a', 'd')))).toBeUndefined();
    expect(overlayBlocker(manifest(dir('.'), { path: 'w', type: 'char', mode: 0o600, uid: 0, gid: 0, rdev: { major: 0, minor: 0 } }))).toMatch(/0\/0 character device/);
    expect(overlayBlocker(manifest(dir('.'), { path: 'n', type: 'char', mode: 0o666, uid: 0, gid: 0, rdev: { major: 1, minor: 3 } }))).toBeUndefined();
    expect(overlayBlocker(manifest({ ...dir('.'), xattrs: { 'trusted.overlay.opaque': 'eQ==' } }))).toMatch(/trusted\.overlay/);
  });
});
