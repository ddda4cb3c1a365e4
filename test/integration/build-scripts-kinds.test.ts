// Every script kind in a real bookworm build (fixtures/builds/bookworm-scripts): what each sees (checked
// against what mkosi 27.1 gave the same tree), the helpers on $PATH (mkosi-install, mkosi-chroot), sync
// scripts on every build, post-output scripts on the outputs, clean scripts on `mkb clean`.
import { lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';
import type { BuildRun } from '../support/mkb-build.js';

const STORE = join(TEST_CACHE, 'scripts-store');
let dir: string;
let out: string;

const build = async (label: string): Promise<BuildRun> => {
  const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
  if (r.exitCode !== 0) {
    const failures = r.events.filter((e) => e.type === 'node-failed').map((e) => JSON.stringify(e));
    throw new Error(`mkb build (${label}) exited with ${r.exitCode}:\n${r.stderr}\n${failures.join('\n')}`);
  }
  return r;
};
const mkb = (...args: string[]) => execa('node', [MKB, '-C', dir, `--cache-directory=${STORE}`, `--package-cache-directory=${PACKAGE_CACHE}`, ...args], { reject: false });

/** A dump written by fixtures/builds/bookworm-scripts/dump-env: variables, then kind, argc, args, cwd. */
async function dump(path: string): Promise<Record<string, string>> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** What mkosi 27.1 gave every kind of script of this tree (`mkosi -f build`, Debian 12 x86-64, as root). */
const MKOSI_COMMON = {
  ARCHITECTURE: 'x86-64', DISTRIBUTION: 'debian', DISTRIBUTION_ARCHITECTURE: 'amd64', EFI_ARCHITECTURE: 'x64', IMAGE_ID: 'scripts',
  IMAGE_VERSION: '2.0', MKOSI_CONFIG: '/work/config.json', MKOSI_DEBUG: '0', MKOSI_GID: '0', MKOSI_UID: '0', RELEASE: 'bookworm',
  SOURCE_DATE_EPOCH: '1700000000', SRCDIR: '/work/src', cwd: '/work/src',
};
const MKOSI_IN_IMAGE = {
  ...MKOSI_COMMON, ARTIFACTDIR: '/work/artifacts', BUILDROOT: '/buildroot', CHROOT_SRCDIR: '/work/src', PACKAGEDIR: '/work/packages', WITH_NETWORK: '1',
};
// mkosi 27.1 also sets GIT_PROXY_SSL_CAINFO=/proxy.cacert (a file it mounts for proxies); mkb has no proxy support.

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-scripts');
  out = join(dir, 'mkosi.output');
  await mkdir(out);
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
  await execa('node', [MKB, 'cache', 'gc', '--max-size', '1G', '--cache-dir', join(STORE, 'mkb')]);
});

describe('script kinds in a bookworm build', () => {
  test('each kind runs with mkosi 27.1\'s variables, arguments and working directory', async () => {
    await build('first');
    const image = (...p: string[]) => join(out, 'scripts_2.0', ...p);
    // mkb withholds IMAGE_ID/IMAGE_VERSION from prepare scripts: the cached base is not keyed on them.
    const prepareCommon: Record<string, string> = { ...MKOSI_IN_IMAGE };
    delete prepareCommon['IMAGE_ID'];
    delete prepareCommon['IMAGE_VERSION'];
    expect(await dump(image('etc/env/prepare'))).toEqual({
      ...prepareCommon, CHROOT_SCRIPT: '/work/prepare', SCRIPT: '/work/prepare', WITH_DOCS: '1', WITH_TESTS: '1',
      kind: 'prepare', argc: '1', arg: 'final',
    });
    expect(await dump(image('etc/env/postinst'))).toEqual({
      ...MKOSI_IN_IMAGE, CHROOT_OUTPUTDIR: '/work/out', OUTPUTDIR: '/work/out', CHROOT_SCRIPT: '/work/postinst', SCRIPT: '/work/postinst',
      kind: 'postinst', argc: '1', arg: 'final',
    });
    expect(await dump(image('etc/env/finalize'))).toEqual({
      ...MKOSI_IN_IMAGE, CHROOT_OUTPUTDIR: '/work/out', OUTPUTDIR: '/work/out', CHROOT_SCRIPT: '/work/finalize', SCRIPT: '/work/finalize',
      kind: 'finalize', argc: '0',
    });
    expect(await dump(join(out, 'postoutput.env'))).toEqual({ ...MKOSI_COMMON, OUTPUTDIR: '/work/out', kind: 'postoutput', argc: '0' });
    // Sync scripts also get the caller's environment: compare mkosi's variables only.
    expect(await dump(join(dir, 'sync.env'))).toMatchObject({ ...MKOSI_COMMON, CACHED: '0', kind: 'sync', argc: '1', arg: 'final' });
    expect(await dump(join(dir, 'sync.env'))).not.toHaveProperty('BUILDROOT');
  });

  test('mkosi-install installs from the build\'s repositories and mkosi-chroot runs a command in the image', async () => {
    const image = (...p: string[]) => join(out, 'scripts_2.0', ...p);
    // less is in no Packages= list: the post-installation script installed it with mkosi-install.
    expect((await lstat(image('usr/bin/less'))).isFile()).toBe(true);
    expect(await readFile(image('var/lib/dpkg/status'), 'utf8')).toMatch(/^Package: less\nStatus: install ok installed$/m);
    expect(await readFile(join(out, 'chroot.out'), 'utf8')).toBe('in image: container=mkosi 12\n');
    // Neither the mount points mkosi-chroot needed nor apt's policy-rc.d stay in the image.
    await expect(lstat(image('work'))).rejects.toThrow();
    await expect(lstat(image('usr/sbin/policy-rc.d'))).rejects.toThrow();
  });

  test('post-output scripts see the outputs, and what they write is published with them', async () => {
    expect((await readFile(join(out, 'postoutput.ls'), 'utf8')).trim().split('\n')).toEqual(['chroot.out', 'postinst.out', 'postoutput.env', 'postoutput.ls', 'scripts_2.0']); // as with mkosi 27.1
    expect((await readdir(out)).sort()).toEqual(expect.arrayContaining(['chroot.out', 'postinst.out', 'postoutput.env', 'postoutput.ls', 'scripts_2.0']));
  });

  test('sync scripts run on every build, even when every node is cached', async () => {
    expect(await readFile(join(dir, 'sync.count'), 'utf8')).toBe('run\n');
    const again = await build('second');
    expect(again.ran).toEqual([]);
    expect(await readFile(join(dir, 'sync.count'), 'utf8')).toBe('run\nrun\n');
    expect(again.stderr).toContain('Running sync script');
  });

  test('a failing sync script stops the build before anything is planned, naming the script', async () => {
    await execa('sh', ['-c', `printf '#!/bin/sh\\necho broken sync >&2\\nexit 3\\n' > ${join(dir, 'mkosi.sync')}`]);
    const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/sync script mkosi\.sync \(.*\) exited with code 3/);
    expect(r.stderr).toContain('broken sync');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    expect(r.events.filter((e) => e.type === 'node-start')).toEqual([]);
  });

  test('mkb shell runs a command in the built image with systemd-nspawn, non-interactively', async () => {
    const r = await mkb('shell', '--', 'cat', '/etc/os-release');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('VERSION_CODENAME=bookworm');
    expect(r.stdout).toContain('IMAGE_ID="scripts"');
    expect(r.stdout).toContain('IMAGE_VERSION="2.0"');
    // The command's exit status is mkb's.
    expect((await mkb('shell', '--', 'sh', '-c', 'exit 7')).exitCode).toBe(7);
  });

  test('mkb boot starts systemd-nspawn --boot with the image and mkosi\'s kernel arguments', async () => {
    // This image has no init: nspawn starts and fails to find one; the command line is what is checked here.
    const r = await mkb('--debug', 'boot');
    const line = r.stderr.split('\n').find((l) => l.startsWith('‣ systemd-nspawn '));
    expect(line, r.stderr).toBeDefined();
    expect(line).toContain(' --boot ');
    expect(line).toContain(`--directory ${join(out, 'scripts_2.0')}`);
    expect(line).toContain('--setenv SYSTEMD_SULOGIN_FORCE=1');
    expect(line).toMatch(/ systemd\.wants=network\.target$/);
    expect(r.exitCode).not.toBe(0);
  });

  test('mkb clean removes the published outputs, then runs the clean scripts with $OUTPUTDIR', async () => {
    const r = await mkb('clean');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Running clean script');
    expect(await readdir(out)).toEqual([]);
    expect(await dump(join(dir, 'clean.env'))).toEqual({ ...MKOSI_COMMON, OUTPUTDIR: '/work/out', kind: 'clean', argc: '0' });
    expect(await readFile(join(dir, 'clean.ls'), 'utf8')).toBe('');
  });
});

describe('shell and boot refuse what they cannot run', () => {
  test('an image that was not built yet, and formats other than directory', async () => {
    let r = await mkb('shell', '--', 'true');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("‣ Image 'main' has not been built yet");
    expect(r.stderr).toContain("'mkb build'");
    r = await mkb('--format=tar', 'boot');
    expect(r.stderr).toContain('Cannot boot tar images with systemd-nspawn');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
