// `mkb build` end to end on a real bookworm config (fixtures/builds/bookworm-small): the Debian archive from
// the host's apt sources, the shared package cache, a store under /var/cache/mkb-test. Checks the image,
// then what each kind of change rebuilds, from the `--reporter json` events.
import { createHash, randomUUID } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StoreLayout } from '../../src/cache/store-layout.js';
import { findKeptTree, recordPath } from '../../src/nodes/image/publish.js';
import { runInRoot } from '../../src/nodes/sandbox/run-in-root.js';
import { findDebianArchive, readHostAptSources } from '../support/apt-sources.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites, testEnv, unwrap } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';
import type { BuildRun } from '../support/mkb-build.js';

// One store for every run of this file: a warm store makes reruns cheap; the first run is the cold build.
const STORE = join(TEST_CACHE, 'build-store');
const KEPT = new StoreLayout(join(STORE, 'mkb')).kept;
/** The inode of a file of the directory published before the switch to tar. */
let directoryBash: number | undefined;
let dir: string;
let out: string;
const timings: Record<string, number> = {};

const build = async (label: string, args: readonly string[] = [], store = STORE): Promise<BuildRun> => {
  const r = await mkbBuild({ dir, store, packages: PACKAGE_CACHE, args });
  timings[label] = r.ms;
  if (r.exitCode !== 0) {
    const failures = r.events.filter((e) => e.type === 'node-failed').map((e) => JSON.stringify(e));
    throw new Error(`mkb build (${label}) exited with ${r.exitCode}:\n${r.stderr}\n${failures.join('\n')}`);
  }
  return r;
};
const done = (r: BuildRun) => r.events.find((e) => e.type === 'build-done');
/** `mkb -C DIR [args] explain NODE` on the fixture, with the test's store. */
const explain = async (node: string, args: readonly string[] = []): Promise<string> => (await execa('node', [
  MKB, '-C', dir, `--cache-directory=${STORE}`, `--package-cache-directory=${PACKAGE_CACHE}`, ...args, 'explain', node,
])).stdout;
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const image = (...p: string[]) => join(out, 'small_1.0', ...p);
const keys = (r: BuildRun) => Object.fromEntries(r.events.flatMap((e) => (e.type === 'node-done' ? [[e.node, e.key]] : [])));

/** Mirror= naming the host's Debian archive another way: the base above `debian/`, with the default port spelled out. */
function hostMirrorSpelledWithPort(): string {
  const archive = findDebianArchive(readHostAptSources());
  const url = archive && new URL(archive.uri);
  if (url === undefined || !/\/debian\/?$/.test(url.pathname) || url.port !== '') {
    throw new Error(`this test needs the host's Debian archive as <scheme>://<host>/…/debian in /etc/apt (found: ${archive?.uri ?? 'none'})`);
  }
  const port = url.protocol === 'https:' ? 443 : 80;
  return `${url.protocol}//${url.hostname}:${port}${url.pathname.replace(/\/debian\/?$/, '')}`;
}

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-small');
  out = join(dir, 'mkosi.output');
  await mkdir(out);
});

afterAll(async () => {
  console.log(`build-debian timings (ms): ${JSON.stringify(timings)}`);
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
  // Every run adds finalize and output trees (and their unpacked hot copies) to the shared store: keep it
  // bounded on the shared machine. gc counts blobs only, and drops hot trees once above the watermark.
  await execa('node', [MKB, 'cache', 'gc', '--max-size', '1G', '--cache-dir', join(STORE, 'mkb')]);
});

describe('mkb build on a bookworm config', () => {
  test('builds a directory image with the extra and skeleton trees, scripts, firstboot settings and os-release', async () => {
    await build('first (cold unless the store is warm)');
    const inRoot = async (argv: string[]) => unwrap(await runInRoot({ mode: 'chroot', root: image(), argv, network: false, env: testEnv() })).stdout;
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toBe('hello from the extra tree\n');
    expect(await readFile(image('etc/skeleton-marker'), 'utf8')).toBe('from the skeleton\n');
    expect((await readFile(image('etc/hostname'), 'utf8')).trim()).toBe('smallhost');
    const osRelease = await readFile(image('usr/lib/os-release'), 'utf8');
    expect(osRelease).toContain('IMAGE_ID="small"');
    expect(osRelease).toContain('IMAGE_VERSION="1.0"');
    expect(osRelease).toContain('VERSION_CODENAME=bookworm');
    expect(await readFile(image('etc/machine-id'), 'utf8')).toBe('b5ad3e3ee1da41a7a5c2cbf9a6e1d6f4\n');
    expect(await readFile(image('etc/shadow'), 'utf8')).toMatch(/^root:\$6\$[^:]+:/m);
    expect(await readFile(image('etc/passwd'), 'utf8')).toMatch(/^root:x:0:0:[^:]*:\/root:\/bin\/sh$/m);
    expect(await readFile(image('usr/lib/systemd/system/getty@tty1.service.d/autologin.conf'), 'utf8')).toContain('--autologin root');
    await expect(lstat(image('usr/share/doc/less'))).rejects.toThrow(); // RemoveFiles=
    const packages = await inRoot(['dpkg-query', '-W', '-f', '${Package}\n']);
    expect(packages.split('\n')).toEqual(expect.arrayContaining(['less', 'base-files', 'dpkg', 'libc6']));

    const env = Object.fromEntries((await readFile(image('etc/postinst-env'), 'utf8')).trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
    expect(env).toEqual({
      DISTRIBUTION: 'debian', RELEASE: 'bookworm', ARCHITECTURE: 'x86-64', IMAGE_ID: 'small', IMAGE_VERSION: '1.0', SOURCE_DATE_EPOCH: '1700000000',
      WITH_NETWORK: '0', arg: 'final', SRCDIR: '/work/src', BUILDROOT: '/buildroot', OUTPUTDIR: '/work/out', MKOSI_CONFIG: '/work/config.json',
      SCRIPT: '/work/postinst', 'config-present': undefined,
    });
    expect(await readFile(image('etc/postinst-env'), 'utf8')).toContain('\nconfig-present\n');
    expect(await readFile(image('etc/finalize-marker'), 'utf8')).toBe('finalized debian bookworm x86-64\n');
    // mkosi.postinst.chroot ran inside the image, with /work mounted there and removed afterwards.
    expect(await readFile(image('etc/chroot-marker'), 'utf8')).toBe('container=mkosi BUILDROOT=/ SRCDIR=/work/src arg=final\nless\nscript-mounted\n');
    await expect(lstat(image('work'))).rejects.toThrow();
    expect((await lstat(image('etc/motd-extra'))).mtimeMs).toBe(1700000000 * 1000);

    const manifest = JSON.parse(await readFile(join(out, 'small_1.0.manifest'), 'utf8')) as { config: Record<string, string>; packages: { name: string }[] };
    expect(manifest.config).toMatchObject({ name: 'small', version: '1.0', distribution: 'debian', release: 'bookworm', output_format: 'directory' });
    expect(manifest.packages.map((p) => p.name)).toContain('less');
    // As mkosi: the checksums are written before the manifests and skip directories, so here they list nothing.
    expect(await readFile(join(out, 'small_1.0.SHA256SUMS'), 'utf8')).toBe('');
    expect(JSON.parse(await readFile(recordPath(out, 'small_1.0'), 'utf8'))).toMatchObject({ files: ['small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.manifest'] });
  });

  test('a rebuild with nothing changed runs no node and copies nothing', async () => {
    const record = await readFile(recordPath(out, 'small_1.0'), 'utf8');
    const r = await build('no-op');
    expect(r.ran).toEqual([]);
    expect(done(r)).toMatchObject({ ok: true, built: 0, cached: 5 });
    expect(r.stderr).toContain('are up to date');
    expect(await readFile(recordPath(out, 'small_1.0'), 'utf8')).toBe(record);
  });

  test('the same archive under another mirror spelling keeps the lock: the base and the output stay cached', async () => {
    const before = await build('no-op, for keys');
    const r = await build('mirror spelled differently', [`--mirror=${hostMirrorSpelledWithPort()}`]);
    // Metadata and lock are new to the store the first time (a warm store may have them from an earlier run).
    // So is finalize: the fixture's postinst and finalize scripts get mkosi-install bound to the build's
    // repositories, so finalize keys the metadata snapshot. Its tree is the same, so the output stays cached.
    const mayRun = (id: string): boolean => id.startsWith('repo-metadata/') || id === 'main/package-lock' || id === 'main/finalize';
    expect(r.ran.filter((id) => !mayRun(id))).toEqual([]);
    const [was, now] = [keys(before), keys(r)];
    expect(now['main/package-lock']).not.toBe(was['main/package-lock']);
    for (const id of ['main/base-install', 'main/output']) expect(now[id], id).toBe(was[id]);
    expect(done(r)).toMatchObject({ ok: true, built: r.ran.length });
  });

  test('CacheOnly=always installs without network from the stored metadata and the package cache; a missing package is named', async () => {
    // A skeleton file new to the store reruns base-install; `unshare -n` leaves the build no network at all.
    const marker = join(dir, 'mkosi.skeleton/etc/cache-only-marker');
    await writeFile(marker, `${randomUUID()}\n`);
    try {
      const offline = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE, args: ['--cache-only=always'], wrap: ['unshare', '--net'] });
      expect(offline.exitCode, offline.stderr).toBe(0);
      expect(offline.ran).toEqual(['main/base-install', 'main/finalize', 'main/output']);

      await writeFile(marker, `${randomUUID()}\n`);
      const empty = await mkdtemp(join(tmpdir(), 'mkb-empty-package-cache-'));
      try {
        const r = await mkbBuild({ dir, store: STORE, packages: empty, args: ['--cache-only=always'], wrap: ['unshare', '--net'] });
        expect(r.exitCode).not.toBe(0);
        const failed = r.events.find((e) => e.type === 'node-failed');
        expect(failed).toMatchObject({ node: 'main/base-install' });
        expect(JSON.stringify(failed)).toMatch(/CacheOnly=always, but \d+ locked packages are not in the package cache \S*mkb-empty-package-cache-\S*: \S+ .* and \d+ more/);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    } finally {
      await rm(marker, { force: true });
    }
  });

  test('a changed file in mkosi.extra/ runs only finalize and the output', async () => {
    // Unique per run: the store is shared between runs, and this change must be new to it.
    const changed = `changed ${randomUUID()}\n`;
    await writeFile(join(dir, 'mkosi.extra/etc/motd-extra'), changed);
    const dry = await execa('node', [MKB, '-C', dir, `--cache-directory=${STORE}`, `--package-cache-directory=${PACKAGE_CACHE}`, 'build', '--dry-run']);
    const states = Object.fromEntries(dry.stdout.split('\n').map((l) => l.split(/\s{2,}/)).filter((w) => w.length >= 2).map(([id, ...state]) => [id, state.join(' ')]));
    expect(states['main/base-install']).toMatch(/^cached/);
    expect(states['main/finalize']).toMatch(/^build .*mkosi\.extra\/etc\/motd-extra/);
    expect(states['main/output']).toMatch(/^pending/);
    // The store is shared with other runs (and worktrees), so other changes may be listed too.
    expect(await explain('main/finalize')).toMatch(/^main\/finalize: changed since the last build:\n[\s\S]*^ {2}mkosi\.extra\/etc\/motd-extra changed$/m);
    const untouched = await stat(image('usr/bin/bash'));
    const r = await build('extra file changed');
    expect(r.ran).toEqual(['main/finalize', 'main/output']);
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toBe(changed);
    // The published directory was updated in place: what did not change was not written again.
    const after = await stat(image('usr/bin/bash'));
    expect([after.ino, after.ctimeMs]).toEqual([untouched.ino, untouched.ctimeMs]);
    // Afterwards explain says why the last build rebuilt it.
    expect(await explain('main/finalize')).toMatch(/^main\/finalize: up to date .*\n {2}last changed because:\n[\s\S]*^ {4}mkosi\.extra\/etc\/motd-extra changed$/m);
  });

  test('switching Format= to tar (zstd) runs only the output', async () => {
    const published = await stat(image('usr/bin/bash'));
    directoryBash = published.ino;
    const r = await build('format switched to tar', ['--format=tar']);
    expect(r.ran).toEqual(['main/output']);
    expect(await explain('main/output', ['--format=tar'])).toMatch(/\n {2}last changed because:\n[\s\S]*^ {4}Format= changed from directory to tar$/m);
    expect(await readlink(join(out, 'small_1.0'))).toBe('small_1.0.tar.zst');
    const listing = await execa('sh', ['-c', `zstd -dc '${join(out, 'small_1.0.tar.zst')}' | tar -t`]);
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['./etc/motd-extra', './etc/hostname', './usr/bin/less']));
    expect(JSON.parse(await readFile(recordPath(out, 'small_1.0'), 'utf8')).files).toEqual(['small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.manifest', 'small_1.0.tar.zst']);
    // The directory published before was moved into the store during the build; nothing of it is left behind.
    expect((await readdir(out)).filter((name) => name.startsWith('.mkb-'))).toEqual(['.mkb-published.small_1.0.json']);
    expect(await findKeptTree(KEPT, out, 'small_1.0')).toMatchObject({ name: 'small_1.0' });
  });

  test('switching back to a directory updates the directory kept aside in place, copying nothing it holds', async () => {
    const r = await build('format switched back to directory');
    expect(r.ran).toEqual([]);
    expect((await stat(image('usr/bin/bash'))).ino).toBe(directoryBash);
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toMatch(/^changed /);
    expect((await readdir(out)).sort()).toEqual(['.mkb-published.small_1.0.json', 'small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.manifest']);
    expect(await findKeptTree(KEPT, out, 'small_1.0')).toBeUndefined();
  });

  test('switching Format= to cpio runs only the output', async () => {
    const r = await build('format switched to cpio', ['--format=cpio']);
    expect(r.ran).toEqual(['main/output']);
    const listing = await execa('sh', ['-c', `zstd -dc '${join(out, 'small_1.0.cpio.zst')}' | cpio -t --quiet`]);
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['etc/motd-extra', 'usr/bin/less']));
  });

  test('adding a package installs just it on top of the cached base (package-delta)', async () => {
    expect(await explain('main/package-delta', ['--format=cpio', '--package=tree'])).toContain('Packages= gained tree since the base\'s lock');
    const r = await build('package added', ['--format=cpio', '--package=tree']);
    // The lock and the base stay cached; package-delta runs (or comes from an earlier run of this test).
    expect(r.ran.filter((id) => id !== 'main/package-delta')).toEqual(['main/finalize', 'main/output']);
    expect(r.events.some((e) => e.type === 'node-done' && e.node === 'main/package-delta')).toBe(true);
    const listing = await execa('sh', ['-c', `zstd -dc '${join(out, 'small_1.0.cpio.zst')}' | cpio -t --quiet`]);
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['usr/bin/tree', 'usr/bin/less']));
    // Back to the configured list: the plain chain, whose nodes are all still in the store.
    expect((await build('package removed again', ['--format=cpio'])).ran).toEqual([]);
  });

  test('a failing finalize script names itself, its exit code and its last output; published files stay intact', async () => {
    const script = join(dir, 'mkosi.finalize');
    const original = await readFile(script, 'utf8');
    const before = await sha256(join(out, 'small_1.0.cpio.zst'));
    await writeFile(script, '#!/bin/sh\necho preparing the failure\necho "the last words" >&2\nexit 3\n', { mode: 0o755 });
    try {
      const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE, args: ['--format=cpio'] });
      expect(r.exitCode).not.toBe(0);
      const failed = r.events.find((e) => e.type === 'node-failed');
      expect(failed).toMatchObject({ node: 'main/finalize' });
      const text = JSON.stringify(failed);
      expect(text).toContain('finalize script mkosi.finalize');
      expect(text).toContain('exited with code 3');
      expect(text).toContain('the last words');
      expect(await sha256(join(out, 'small_1.0.cpio.zst'))).toBe(before);
      expect((await readdir(out)).filter((n) => n.startsWith('.mkb-'))).toEqual(['.mkb-published.small_1.0.json']);
    } finally {
      await writeFile(script, original, { mode: 0o755 });
    }
  });

  test('an unknown package fails resolution, naming the package and the repositories searched', async () => {
    const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE, args: ['--package=mkb-no-such-package'] });
    expect(r.exitCode).not.toBe(0);
    const failed = r.events.find((e) => e.type === 'node-failed');
    // Packages= only grew since the last lock, so the addition is resolved by package-delta on the cached base.
    expect(failed).toMatchObject({ node: 'main/package-delta' });
    expect(JSON.stringify(failed)).toMatch(/unknown package.*mkb-no-such-package.*repositories searched: \S+ bookworm/);
  });

  test('two builds with the same SourceDateEpoch give identical tar digests (the second in an empty store)', async () => {
    await build('tar again (cached)', ['--format=tar']);
    const first = await sha256(join(out, 'small_1.0.tar.zst'));
    const fresh = await mkdtemp(join(tmpdir(), 'mkb-fresh-store-'));
    try {
      await rm(out, { recursive: true, force: true });
      await mkdir(out);
      const r = await build('tar in an empty store', ['--format=tar'], fresh);
      expect(r.ran).toHaveLength(5);
      expect(await sha256(join(out, 'small_1.0.tar.zst'))).toBe(first);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
