// BaseTrees= end to end (fixtures/builds/bookworm-base-trees): a bookworm base image built from base/ and
// published as a directory, then an image on that directory plus a tar archive, a skeleton tree and one
// package. As in mkosi 27.1: the trees go in first (the tar keeps its ownership), the skeleton tree over
// them, then only Packages= are installed (no bootstrap), and a package overwrites a base-tree file.
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInRoot } from '../../src/nodes/sandbox/run-in-root.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites, testEnv, unwrap } from '../support/apt-test-env.js';
import { copyFixture, mkbBuild } from '../support/mkb-build.js';
import type { BuildRun } from '../support/mkb-build.js';

const STORE = join(TEST_CACHE, 'build-store');
let dir: string;

async function build(config: string, label: string): Promise<BuildRun> {
  const r = await mkbBuild({ dir: config, store: STORE, packages: PACKAGE_CACHE });
  if (r.exitCode !== 0) {
    const failures = r.events.filter((e) => e.type === 'node-failed').map((e) => JSON.stringify(e));
    throw new Error(`mkb build (${label}) exited with ${r.exitCode}:\n${r.stderr}\n${failures.join('\n')}`);
  }
  return r;
}

/** placeholder/ packed as placeholder.tar, its files owned by 1234:1234. */
async function packPlaceholder(): Promise<void> {
  await execa('tar', ['-c', '-f', join(dir, 'placeholder.tar'), '--owner=1234', '--group=1234', '--sort=name', '-C', join(dir, 'placeholder'), 'etc', 'usr']);
}

const image = (...p: string[]): string => join(dir, 'mkosi.output', 'image', ...p);

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-base-trees');
  await mkdir(join(dir, 'mkosi.output'));
  await mkdir(join(dir, 'base', 'mkosi.output'));
  await packPlaceholder();
  await build(join(dir, 'base'), 'base image');
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
});

describe('mkb build with BaseTrees=', () => {
  test('the base trees, then the skeleton, then only Packages= on top; the package overwrites a base-tree file', async () => {
    const r = await build(dir, 'on base trees');
    const ids = r.events.flatMap((e) => (e.type === 'node-done' ? [e.node] : []));
    expect(ids).toContain('main/base-install');
    expect(ids).not.toContain('main/package-lock');
    // From the directory base tree (the base image) and the tar, whose ownership is kept.
    expect(await readFile(image('etc/debian_version'), 'utf8')).toMatch(/^12\./);
    expect(await readFile(image('etc/base-tree-marker'), 'utf8')).toBe('from the base tree\n');
    const marker = await lstat(image('etc/base-tree-marker'));
    expect([marker.uid, marker.gid]).toEqual([1234, 1234]);
    // The skeleton tree goes in after the base trees.
    expect(await readFile(image('etc/skeleton-wins'), 'utf8')).toBe('from the skeleton\n');
    // The package replaced the placeholder the tar put at its path.
    const tree = await readFile(image('usr/bin/tree'));
    expect(tree.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    const inRoot = async (argv: string[]) => unwrap(await runInRoot({ mode: 'chroot', root: image(), argv, network: false, env: testEnv() })).stdout;
    expect(await inRoot(['dpkg-query', '-S', '/usr/bin/tree'])).toBe('tree: /usr/bin/tree');
    const packages = (await inRoot(['dpkg-query', '-W', '-f', '${Package}\n'])).split('\n');
    expect(packages).toEqual(expect.arrayContaining(['tree', 'base-files', 'dpkg', 'libc6']));
  });

  test('a changed base tree reruns the base install', async () => {
    await writeFile(join(dir, 'placeholder/etc/base-tree-marker'), 'changed base tree\n');
    await packPlaceholder();
    const r = await build(dir, 'base tree changed');
    expect(r.ran).toContain('main/base-install');
    expect(await readFile(image('etc/base-tree-marker'), 'utf8')).toBe('changed base tree\n');
    expect((await readFile(image('usr/bin/tree'))).subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  });
});
