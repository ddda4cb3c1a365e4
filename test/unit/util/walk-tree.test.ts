import { mkdir, symlink, utimes, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { clampMtimes } from '../../../src/nodes/finalize/clamp-mtimes.js';
import { walkTree } from '../../../src/util/walk-tree.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A tree with a relative and an absolute symlink to directories, the second leading out of the tree. */
async function treeWithLinks(): Promise<{ root: string; outside: string }> {
  const outside = await tempDir();
  await writeFile(join(outside, 'host-file'), 'not part of the tree');
  const root = await tempDir();
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  await writeFile(join(root, 'usr/bin/tool'), 'tool');
  await symlink('usr/bin', join(root, 'bin'));
  await mkdir(join(root, 'var'));
  await symlink(outside, join(root, 'var/run'));
  return { root, outside };
}

describe('walkTree', () => {
  test('lists every path once, parents first, and never descends into symlinked directories', async () => {
    const { root } = await treeWithLinks();
    expect(walkTree(root).sort()).toEqual(['bin', 'usr', 'usr/bin', 'usr/bin/tool', 'var', 'var/run']);
    const order = walkTree(root);
    expect(order.indexOf('usr')).toBeLessThan(order.indexOf('usr/bin/tool'));
  });

  test('clamping mtimes leaves what a symlink points to outside the tree alone', async () => {
    const { root, outside } = await treeWithLinks();
    const recent = new Date('2030-01-01T00:00:00Z');
    await utimes(join(outside, 'host-file'), recent, recent);
    await clampMtimes(root, 1_000_000);
    expect((await lstat(join(outside, 'host-file'))).mtime).toEqual(recent);
    expect((await lstat(join(root, 'usr/bin/tool'))).mtimeMs).toBe(1_000_000_000);
  });
});
