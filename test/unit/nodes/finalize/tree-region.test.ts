import { chmod, cp, lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ok } from '../../../../src/errors/result.js';
import { REPLAYED, applyRegionChanges, regionChanges, replayableStep, snapshotRegion } from '../../../../src/nodes/finalize/tree-region.js';
import type { TreeStepContext } from '../../../../src/nodes/finalize/tree-step.js';
import type { StepMemo } from '../../../../src/nodes/types.js';
import { file, link } from '../../../helpers/image-tree.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const DIRS = ['etc/systemd/system', 'usr/lib/systemd/system', 'lib/systemd/system'];

/** A merged-/usr image with a unit, an alias through /lib, a mask and a file outside the region. */
async function image(): Promise<string> {
  const root = await tempDir();
  await link(root, 'lib', 'usr/lib');
  await file(root, 'usr/lib/systemd/system/a.service', '[Install]\nWantedBy=multi-user.target\n');
  await link(root, 'etc/systemd/system/b.service', '/lib/systemd/system/a.service');
  await link(root, 'etc/systemd/system/c.service', '/dev/null');
  await file(root, 'usr/lib/systemd/systemd', 'a program, not a unit');
  await file(root, 'etc/hostname', 'outside');
  return root;
}

/** What `systemctl preset-all` would do for a.service: a .wants directory and a link. */
async function enable(root: string): Promise<void> {
  await mkdir(join(root, 'etc/systemd/system/multi-user.target.wants'));
  await chmod(join(root, 'etc/systemd/system/multi-user.target.wants'), 0o755);
  await symlink('/lib/systemd/system/a.service', join(root, 'etc/systemd/system/multi-user.target.wants/a.service'));
}

function memoStore(): StepMemo & { readonly values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, recall: (key) => values.get(key), remember: (key, value) => void values.set(key, value) };
}

function context(root: string, memo: StepMemo | undefined, said: string[] = []): TreeStepContext {
  return {
    root, node: 'main/finalize', settings: {}, signal: new AbortController().signal, onOutput: (_stream, chunk) => void said.push(chunk),
    ...(memo === undefined ? {} : { memo }),
  };
}

describe('snapshotRegion', () => {
  test('its key covers content, modes and link targets in the region, and nothing outside it', async () => {
    const root = await image();
    const key = snapshotRegion(root, DIRS)?.key;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    await writeFile(join(root, 'etc/hostname'), 'changed');
    await writeFile(join(root, 'usr/lib/systemd/systemd'), 'changed');
    expect(snapshotRegion(root, DIRS)?.key).toBe(key);
    await writeFile(join(root, 'usr/lib/systemd/system/a.service'), '[Install]\nWantedBy=graphical.target\n');
    const content = snapshotRegion(root, DIRS)?.key;
    expect(content).not.toBe(key);
    await chmod(join(root, 'usr/lib/systemd/system/a.service'), 0o600);
    const mode = snapshotRegion(root, DIRS)?.key;
    expect(mode).not.toBe(content);
    await file(root, 'usr/lib/systemd/system/d.service');
    expect(snapshotRegion(root, DIRS)?.key).not.toBe(mode);
  });

  test('a region a tool could leave through a symlink has no snapshot', async () => {
    const root = await image();
    await file(root, 'opt/e.service');
    await link(root, 'etc/systemd/system/e.service', '/opt/e.service');
    expect(snapshotRegion(root, DIRS)).toBeUndefined();
    const relative = await image();
    await file(relative, 'etc/f.service');
    await link(relative, 'etc/systemd/system/f.service', '../../f.service');
    expect(snapshotRegion(relative, DIRS)).toBeUndefined();
    const looped = await image();
    await link(looped, 'etc/systemd/system/loop-a.service', 'loop-b.service');
    await link(looped, 'etc/systemd/system/loop-b.service', 'loop-a.service');
    expect(snapshotRegion(looped, DIRS)).toBeUndefined();
    const redirected = await tempDir();
    await file(redirected, 'opt/units/h.service');
    await link(redirected, 'usr/lib/systemd/system', '/opt/units');
    expect(snapshotRegion(redirected, DIRS)).toBeUndefined();
  });
});

describe('regionChanges', () => {
  test('made again on the state they were taken from, they give the same region', async () => {
    const root = await image();
    const copy = await tempDir();
    await cp(root, copy, { recursive: true, verbatimSymlinks: true });
    const before = snapshotRegion(root, DIRS);
    await enable(root);
    const after = snapshotRegion(root, DIRS);
    if (before === undefined || after === undefined) throw new Error('no snapshot');
    const changes = regionChanges(before, after);
    expect(changes?.added.map((a) => a.path)).toEqual(['etc/systemd/system/multi-user.target.wants', 'etc/systemd/system/multi-user.target.wants/a.service']);
    await applyRegionChanges(copy, changes ?? { removed: [], added: [] });
    expect(snapshotRegion(copy, DIRS)?.key).toBe(after.key);
    // And removed again: the reverse changes take the region back.
    const back = regionChanges(after, before);
    await applyRegionChanges(copy, back ?? { removed: [], added: [] });
    expect(snapshotRegion(copy, DIRS)?.key).toBe(before.key);
  });

  test('a file written is not a change it can make again', async () => {
    const root = await image();
    const before = snapshotRegion(root, DIRS);
    await writeFile(join(root, 'etc/systemd/system/g.conf'), 'x');
    const after = snapshotRegion(root, DIRS);
    if (before === undefined || after === undefined) throw new Error('no snapshot');
    expect(regionChanges(before, after)).toBeUndefined();
  });
});

describe('replayableStep', () => {
  test('a second run over the same region makes the first run\'s changes without running, and says so', async () => {
    const memo = memoStore();
    let runs = 0;
    const step = (root: string, said: string[] = []) => replayableStep({
      ctx: context(root, memo, said), name: 'presets', dirs: DIRS, identity: { argv: ['enable'] },
      run: async (c) => {
        runs++;
        c.onOutput('stdout', 'Created symlink\n');
        await enable(c.root);
        return ok(null);
      },
    });
    const first = await image();
    expect(await step(first)).toEqual(ok(null));
    expect([runs, memo.values.size]).toEqual([1, 1]);

    const second = await image();
    await writeFile(join(second, 'etc/hostname'), 'a change outside the region');
    const said: string[] = [];
    expect(await step(second, said)).toEqual(ok(null));
    expect(runs).toBe(1);
    expect(await readlink(join(second, 'etc/systemd/system/multi-user.target.wants/a.service'))).toBe('/lib/systemd/system/a.service');
    expect((await lstat(join(second, 'etc/systemd/system/multi-user.target.wants'))).mode & 0o7777).toBe(0o755);
    expect(snapshotRegion(second, DIRS)?.key).toBe(snapshotRegion(first, DIRS)?.key);
    expect(said).toEqual(['Created symlink\n', `presets: ${REPLAYED}\n`]);

    const changed = await image();
    await file(changed, 'usr/lib/systemd/system/other.service');
    await step(changed);
    expect(runs).toBe(2);
  });

  test('a memo whose replay does not give the region it promised fails the step', async () => {
    const memo = memoStore();
    const run = async (c: TreeStepContext) => {
      await enable(c.root);
      return ok(null);
    };
    await replayableStep({ ctx: context(await image(), memo), name: 'presets', dirs: DIRS, identity: {}, run });
    const [key, value] = [...memo.values][0] ?? [];
    memo.values.set(key as string, JSON.stringify({ ...JSON.parse(value as string), after: '0'.repeat(64) }));
    await expect(replayableStep({ ctx: context(await image(), memo), name: 'presets', dirs: DIRS, identity: {}, run })).rejects.toThrow(/replaying presets/);
  });

  test('a memo this mkb cannot read (another format, damaged) is not used: the step runs and remembers anew', async () => {
    const memo = memoStore();
    let runs = 0;
    const run = async (c: TreeStepContext) => {
      runs++;
      await enable(c.root);
      return ok(null);
    };
    await replayableStep({ ctx: context(await image(), memo), name: 'presets', dirs: DIRS, identity: {}, run });
    const [key] = [...memo.values.keys()];
    for (const damaged of ['{"changes":', JSON.stringify({ changes: { removed: [], added: [{ path: 'x', type: 'file' }] }, after: '', output: [] })]) {
      memo.values.set(key as string, damaged);
      expect(await replayableStep({ ctx: context(await image(), memo), name: 'presets', dirs: DIRS, identity: {}, run })).toEqual(ok(null));
    }
    expect(runs).toBe(3);
    expect(JSON.parse(memo.values.get(key as string) ?? '')).toMatchObject({ changes: { removed: [] } });
  });

  test('without a memo, or with a region it cannot snapshot, the step just runs', async () => {
    let runs = 0;
    const run = async () => {
      runs++;
      return ok(null);
    };
    const plain = await image();
    await replayableStep({ ctx: context(plain, undefined), name: 'presets', dirs: DIRS, identity: {}, run });
    const memo = memoStore();
    const escaping = await image();
    await link(escaping, 'etc/systemd/system/e.service', '/opt/e.service');
    await replayableStep({ ctx: context(escaping, memo), name: 'presets', dirs: DIRS, identity: {}, run });
    await replayableStep({ ctx: context(escaping, memo), name: 'presets', dirs: DIRS, identity: {}, run });
    expect([runs, memo.values.size]).toEqual([3, 0]);
  });
});
