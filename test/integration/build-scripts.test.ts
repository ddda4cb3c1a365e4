// Build scripts on a real bookworm image (fixtures/builds/bookworm-build): BuildPackages= in the build
// overlay only, $DESTDIR installed into the image, the scripts' environment, what a change reruns (from the
// `--reporter json` events), VolatilePackages= and RemovePackages= after the cached base, and the message of
// a failing build script.
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';
import type { BuildRun } from '../support/mkb-build.js';

// One store for every run of this file: a warm store makes reruns cheap; the first run is the cold build.
const STORE = join(TEST_CACHE, 'build-scripts-store');
let dir: string;
let out: string;

const build = async (args: readonly string[] = [], verbArgs: readonly string[] = []): Promise<BuildRun> => {
  const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE, args, verbArgs });
  if (r.exitCode !== 0) {
    const failures = r.events.filter((e) => e.type === 'node-failed').map((e) => JSON.stringify(e));
    throw new Error(`mkb build exited with ${r.exitCode}:\n${r.stderr}\n${failures.join('\n')}`);
  }
  return r;
};
const image = (...p: string[]) => join(out, 'built_1', ...p);
const exists = (path: string) => lstat(path).then(() => true, () => false);

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-build');
  out = join(dir, 'mkosi.output');
  await mkdir(out);
  // Unique per run: the store is shared between runs, and the first build here must run the build scripts.
  await writeFile(join(dir, 'src/run-id'), `${randomUUID()}\n`);
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
  await execa('node', [MKB, 'cache', 'gc', '--max-size', '1G', '--cache-dir', join(STORE, 'mkb')]);
});

describe('mkb build with build scripts on a bookworm config', () => {
  test('the build output lands in the image, BuildPackages= do not, and the scripts saw mkosi\'s environment', async () => {
    const r = await build();
    // finalize and output may come from the store: an earlier run with the same build output made them.
    expect(r.ran).toContain('main/build-scripts');
    // Built by make from BuildPackages=, in the .chroot build script.
    expect(await readFile(image('usr/share/built/greeting'), 'utf8')).toBe('hello, built by make\n');
    expect(await exists(image('usr/bin/make'))).toBe(false);
    const packages = (await execa('dpkg-query', [`--admindir=${image('var/lib/dpkg')}`, '-W', '-f', '${Package}\n'])).stdout.split('\n');
    expect(packages).toContain('less');
    expect(packages).not.toContain('make');
    // Writes to $BUILDROOT are thrown away; $ARTIFACTDIR reaches the post-installation script; $BUILDDIR persists.
    expect(await exists(image('etc/written-by-build'))).toBe(false);
    expect(await readFile(image('usr/share/built/artifact-seen'), 'utf8')).toBe('artifact of the build\n');
    expect(await readFile(join(dir, 'mkosi.builddir/debian~bookworm~x86-64/runs'), 'utf8')).toBe('run\n');

    const env = (await readFile(image('usr/share/built/env'), 'utf8')).trim().split('\n');
    expect(env).toEqual([
      'DISTRIBUTION=debian', 'RELEASE=bookworm', 'ARCHITECTURE=x86-64', 'IMAGE_ID=built', 'IMAGE_VERSION=1', 'SRCDIR=/work/src',
      'BUILDROOT=/buildroot', 'DESTDIR=/work/dest', 'ARTIFACTDIR=/work/artifacts', 'PACKAGEDIR=/work/packages', 'BUILDDIR=/work/build',
      'SCRIPT=/work/build-script', 'WITH_NETWORK=0', 'WITH_TESTS=1', 'WITH_DOCS=0', 'SOURCE_DATE_EPOCH=1700000000',
      // mkosi passes the arguments after `--` of `mkosi build`: none here.
      'args=0:', 'cwd=/work/src', 'sources-mounted', 'build-packages-in-buildroot', 'config-present',
    ]);
  });

  test('a rebuild with nothing changed runs nothing, although the build directory and the outputs changed', async () => {
    expect((await build()).ran).toEqual([]);
  });

  test('changing only a build script reruns build-scripts, finalize and output; base-install and build-overlay stay cached', async () => {
    const script = join(dir, 'mkosi.build.chroot');
    await writeFile(script, `${await readFile(script, 'utf8')}echo '${randomUUID()}' > "$DESTDIR/usr/share/built/changed"\n`);
    const dry = await execa('node', [MKB, '-C', dir, `--cache-directory=${STORE}`, `--package-cache-directory=${PACKAGE_CACHE}`, 'build', '--dry-run']);
    const states = Object.fromEntries(dry.stdout.split('\n').map((l) => l.split(/\s{2,}/)).filter((w) => w.length >= 2).map(([id, ...state]) => [id, state.join(' ')]));
    expect(states['main/base-install']).toMatch(/^cached/);
    expect(states['main/build-overlay']).toMatch(/^cached/);
    expect(states['main/build-scripts']).toMatch(/^build .*mkosi\.build\.chroot/);
    const r = await build();
    expect(r.ran).toEqual(['main/build-scripts', 'main/finalize', 'main/output']);
    expect(await exists(image('usr/share/built/changed'))).toBe(true);
    // The build directory keeps the build system's state between runs.
    expect(await readFile(join(dir, 'mkosi.builddir/debian~bookworm~x86-64/runs'), 'utf8')).toBe('run\nrun\n');
  });

  test('a changed build source reruns the build', async () => {
    await writeFile(join(dir, 'src/greeting.in'), 'goodbye, @WHO@\n');
    const r = await build();
    expect(r.ran).toEqual(['main/build-scripts', 'main/finalize', 'main/output']);
    expect(await readFile(image('usr/share/built/greeting'), 'utf8')).toBe('goodbye, built by make\n');
  });

  test('VolatilePackages= installs a package on top of the cached base and build', async () => {
    const r = await build(['--volatile-package=tree']);
    expect(r.ran.filter((id) => id !== 'main/volatile-packages')).toEqual(['main/finalize', 'main/output']);
    expect(r.events.some((e) => e.type === 'node-done' && e.node === 'main/volatile-packages')).toBe(true);
    expect(await exists(image('usr/bin/tree'))).toBe(true);
    expect(await readFile(image('usr/share/built/greeting'), 'utf8')).toBe('goodbye, built by make\n');
  });

  test('RemovePackages= purges a package from the image only', async () => {
    const r = await build(['--volatile-package=tree', '--remove-package=less']);
    expect(r.ran).toEqual(['main/finalize', 'main/output']);
    expect(await exists(image('usr/bin/less'))).toBe(false);
    expect(await exists(image('usr/bin/tree'))).toBe(true);
    const packages = (await execa('dpkg-query', [`--admindir=${image('var/lib/dpkg')}`, '-W', '-f', '${Package}\n'])).stdout.split('\n');
    expect(packages).not.toContain('less');
  });

  test('a failing build script names itself, its exit code and its last output', async () => {
    const script = join(dir, 'mkosi.build');
    const original = await readFile(script, 'utf8');
    await writeFile(script, '#!/bin/sh\necho "compiling the failure"\necho "error: the build broke" >&2\nexit 7\n', { mode: 0o755 });
    try {
      const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
      expect(r.exitCode).not.toBe(0);
      const failed = r.events.find((e) => e.type === 'node-failed');
      expect(failed).toMatchObject({ node: 'main/build-scripts' });
      const text = JSON.stringify(failed);
      expect(text).toContain('build script mkosi.build');
      expect(text).toContain('exited with code 7');
      expect(text).toContain('error: the build broke');
    } finally {
      await writeFile(script, original, { mode: 0o755 });
    }
  });

  test('the arguments after -- reach the build scripts (and are part of their key)', async () => {
    const r = await build([], ['one', 'two']);
    expect(r.ran).toEqual(['main/build-scripts', 'main/finalize', 'main/output']);
    expect(await readFile(image('usr/share/built/env'), 'utf8')).toContain('\nargs=2:one two\n');
  });

  test('-R reruns only the build scripts, cached or not, and leaves the published image alone', async () => {
    const env = await readFile(image('usr/share/built/env'), 'utf8');
    const runs = await readFile(join(dir, 'mkosi.builddir/debian~bookworm~x86-64/runs'), 'utf8');
    // Twice: the second run's key is in the store, and -R runs it anyway.
    for (let i = 0; i < 2; i++) expect((await build(['-R'])).ran).toEqual(['main/build-scripts']);
    expect(await readFile(join(dir, 'mkosi.builddir/debian~bookworm~x86-64/runs'), 'utf8')).toBe(`${runs}run\nrun\n`);
    expect(await readFile(image('usr/share/built/env'), 'utf8')).toBe(env);
  });
});
