import { describe, expect, test } from 'vitest';
import type { TreeManifest } from '../../../src/cache/tree-manifest.js';
import { manifestText, sameEntry } from '../../../src/cache/tree-manifest.js';
import { canonicalJson } from '../../../src/util/canonical-json.js';

describe('manifestText', () => {
  test('is the canonical JSON of the manifest, for every kind of entry and field', () => {
    const manifest: TreeManifest = {
      version: 1,
      entries: [
        { path: '.', type: 'dir', mode: 0o755, uid: 0, gid: 0, xattrs: { 'user.b': 'Yg==', 'security.capability': 'AQ==', 'user.a': 'YQ==' } },
        { path: 'bin', type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: 'usr/bin' },
        { path: 'dev/null', type: 'char', mode: 0o666, uid: 0, gid: 0, rdev: { minor: 3, major: 1 } },
        { size: 4, path: 'etc/a', type: 'file', mode: 0o644, uid: 0, gid: 0, digest: 'd'.repeat(64) },
        { path: 'etc/b', type: 'file', mode: 0o644, uid: 1000, gid: 100, hardlink: 'etc/a' },
        { path: 'run/fifo', type: 'fifo', mode: 0o600, uid: 0, gid: 0 },
      ],
    };
    expect(manifestText(manifest)).toBe(canonicalJson(manifest));
  });
});

describe('sameEntry', () => {
  const file = { path: 'etc/a', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, digest: 'd'.repeat(64) } as const;

  test('extended attributes compare by name and value, in any order', () => {
    expect(sameEntry({ ...file, xattrs: { 'user.a': 'YQ==', 'user.b': 'Yg==' } }, { ...file, xattrs: { 'user.b': 'Yg==', 'user.a': 'YQ==' } })).toBe(true);
    expect(sameEntry({ ...file, xattrs: { 'user.a': 'YQ==' } }, { ...file, xattrs: { 'user.a': 'Yg==' } })).toBe(false);
    expect(sameEntry({ ...file, xattrs: { 'user.a': 'YQ==' } }, { ...file, xattrs: { 'user.b': 'YQ==' } })).toBe(false);
    expect(sameEntry({ ...file, xattrs: { 'user.a': 'YQ==' } }, file)).toBe(false);
    expect(sameEntry(file, { ...file, xattrs: {} })).toBe(true);
  });

  test('any other field differing makes a different entry', () => {
    expect(sameEntry(file, { ...file })).toBe(true);
    for (const change of [{ mode: 0o600 }, { uid: 1 }, { gid: 1 }, { digest: 'e'.repeat(64) }, { type: 'symlink' as const }, { hardlink: 'etc/b' }]) {
      expect(sameEntry(file, { ...file, ...change })).toBe(false);
    }
  });
});
