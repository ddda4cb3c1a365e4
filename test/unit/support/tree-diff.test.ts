// The tree comparison used by the differential build test: every aspect it claims to compare must be caught.
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.js';
import { classifyDifferences, diffTrees, formatDifferences } from '../../support/tree-diff.js';

async function twoTrees(): Promise<{ left: string; right: string }> {
  const base = await tempDir('mkb-tree-diff-');
  const left = join(base, 'left');
  const right = join(base, 'right');
  for (const root of [left, right]) {
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/same'), 'same\n');
    await symlink('same', join(root, 'etc/link'));
  }
  return { left, right };
}

describe('diffTrees', () => {
  test('identical trees have no differences', async () => {
    const { left, right } = await twoTrees();
    expect(await diffTrees(left, right)).toEqual([]);
  });

  test('names content, mode, symlink target, type and one-sided paths (a one-sided directory once, with its count)', async () => {
    const { left, right } = await twoTrees();
    await writeFile(join(left, 'etc/content'), 'a\n');
    await writeFile(join(right, 'etc/content'), 'b\n');
    await writeFile(join(left, 'etc/mode'), 'x');
    await writeFile(join(right, 'etc/mode'), 'x');
    await chmod(join(right, 'etc/mode'), 0o600);
    await symlink('a', join(left, 'etc/target'));
    await symlink('b', join(right, 'etc/target'));
    await mkdir(join(left, 'etc/type'));
    await writeFile(join(right, 'etc/type'), '');
    await mkdir(join(left, 'only/deeper'), { recursive: true });
    await writeFile(join(left, 'only/deeper/file'), '');
    await writeFile(join(right, 'right-only'), '');
    const diffs = await diffTrees(left, right);
    expect(diffs.map((d) => [d.path, d.aspect])).toEqual([
      ['etc/content', 'content'], ['etc/mode', 'mode'], ['etc/target', 'target'], ['etc/type', 'type'], ['only', 'only-left'], ['right-only', 'only-right'],
    ]);
    expect(diffs.find((d) => d.path === 'etc/mode')).toMatchObject({ left: '0644', right: '0600' });
    expect(diffs.find((d) => d.path === 'only')?.left).toContain('(and 2 entries below)');
    expect(formatDifferences(diffs, { left: 'mkosi', right: 'mkb' })).toMatch(/^etc\/target +target +mkosi: a {2}mkb: b$/m);
  });

  test('expected differences cover paths by pattern and aspect; unused expectations are reported', async () => {
    const diffs = [
      { path: 'etc/shadow', aspect: 'content' as const },
      { path: 'var/log/apt/term.log', aspect: 'content' as const },
      { path: 'etc/passwd', aspect: 'mode' as const },
    ];
    const r = classifyDifferences(diffs, [
      { path: 'etc/shadow', aspects: ['content'], why: 'salt' },
      { path: 'var/log/**', why: 'logs' },
      { path: 'etc/passwd', aspects: ['content'], why: 'only content may differ' },
      { path: 'etc/never', why: 'stale' },
    ]);
    expect(r.unexpected).toEqual([{ path: 'etc/passwd', aspect: 'mode' }]);
    expect(r.unused.map((e) => e.path)).toEqual(['etc/passwd', 'etc/never']);
  });
});
