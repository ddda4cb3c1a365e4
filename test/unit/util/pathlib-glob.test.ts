import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { pathlibGlob } from '../../../src/util/pathlib-glob.js';
import { file, link } from '../../helpers/image-tree.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A tree with hidden files, a dangling symlink, a symlink to a file and one to a directory. */
async function tree(): Promise<string> {
  const root = await tempDir();
  await mkdir(join(root, 'etc/sub/deep'), { recursive: true });
  await file(root, 'etc/file');
  await file(root, 'etc/.hidden');
  await file(root, 'etc/sub/deep/x');
  await file(root, 'real/inside');
  await link(root, 'etc/dangling', '/nonexistent');
  await link(root, 'etc/dirlink', '../real');
  await file(root, 'usr/share/doc/a/README');
  await file(root, 'usr/share/doc/a/.h');
  await link(root, 'usr/share/doc/a/link', 'README');
  await link(root, 'usr/share/doc/a/dangle', 'gone');
  return root;
}

// Each expectation is what Python 3.11's `Path(root).glob(pattern)` gives for the same tree (checked).
const PATHLIB: Record<string, string[]> = {
  'etc/*': ['etc/.hidden', 'etc/dangling', 'etc/dirlink', 'etc/file', 'etc/sub'],
  '**/dangling': [],
  'etc/dangling': [],
  'usr/share/doc/**/*': ['usr/share/doc/a', 'usr/share/doc/a/.h', 'usr/share/doc/a/README', 'usr/share/doc/a/dangle', 'usr/share/doc/a/link'],
  // A literal last component must exist (following symlinks); a wildcard one matches a dangling symlink.
  'usr/share/doc/*/dangle': [],
  'etc/dirlink/*': ['etc/dirlink/inside'],
  '**': ['', 'etc', 'etc/sub', 'etc/sub/deep', 'real', 'usr', 'usr/share', 'usr/share/doc', 'usr/share/doc/a'],
  'etc/[!f]*': ['etc/.hidden', 'etc/dangling', 'etc/dirlink', 'etc/sub'],
  '**/.h*': ['etc/.hidden', 'usr/share/doc/a/.h'],
  '**/x': ['etc/sub/deep/x'],
};

describe('pathlibGlob', () => {
  test.each(Object.entries(PATHLIB))('%s matches what pathlib matches', async (pattern, expected) => {
    expect(pathlibGlob(await tree(), pattern).sort()).toEqual(expected);
  });
});
