// A real bookworm root: resolve against the host's Debian archive, fetch into the shared package cache,
// bootstrap, check the package database inside the root, add a package on top, remove it again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { debian } from '../../src/nodes/packages/distro/debian.js';
import { bootstrap, fetchPackages, installPackages, lockEntries, removePackages, resolveLock } from '../../src/nodes/packages/package-manager/apt.js';
import type { AptContext, LocatedEntry, PackageLock } from '../../src/nodes/packages/package-manager/apt.js';
import { runInRoot } from '../../src/nodes/sandbox/run-in-root.js';
import { PACKAGE_CACHE, bookwormSettings, buildTestDeb, requirePrerequisites, sharedMetadata, testEnv, unwrap } from '../support/apt-test-env.js';

let work: string;
let root: string;
let ctx: Omit<AptContext, 'scratch'>;
let scratchCount = 0;
const scratch = (): string => join(work, `scratch-${++scratchCount}`);

async function inRoot(argv: string[]): Promise<string> {
  return unwrap(await runInRoot({ mode: 'chroot', root, argv, network: false, env: testEnv() })).stdout;
}

beforeAll(async () => {
  requirePrerequisites();
  work = await mkdtemp(join(tmpdir(), 'mkb-apt-bootstrap-'));
  root = join(work, 'root');
  ctx = { metadata: await sharedMetadata('bookworm'), settings: bookwormSettings(), archives: PACKAGE_CACHE, env: testEnv() };
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('a minimal bookworm root', () => {
  let lock: PackageLock<LocatedEntry>;

  test('resolves the essential set plus the wish list to exact versions and hashes', async () => {
    lock = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['systemd'], bootstrap: debian.bootstrapPackages('amd64') }));
    const names = lock.bootstrap.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['base-files', 'dash', 'libc6', 'dpkg', 'coreutils']));
    expect(names).not.toContain('systemd');
    expect(lock.packages.map((e) => e.name)).toContain('systemd');
    for (const e of [...lock.bootstrap, ...lock.packages]) {
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(e.uri).toMatch(/^https?:\/\/.*\.deb$/);
    }
  });

  test('fetches into the shared cache, then bootstraps; dpkg-query inside the root lists exactly the lock', async () => {
    unwrap(await fetchPackages({ entries: lockEntries(lock), archives: PACKAGE_CACHE }));
    const again = unwrap(await fetchPackages({ entries: lockEntries(lock), archives: PACKAGE_CACHE }));
    expect(again.downloaded).toBe(0);
    unwrap(await bootstrap({ ...ctx, scratch: scratch(), root, lock }));
    const listed = await inRoot(['dpkg-query', '-W', '-f', '${Package} ${Version}\n']);
    const installed = new Map(listed.trim().split('\n').map((l) => l.split(' ') as [string, string]));
    for (const e of [...lock.bootstrap, ...lock.packages]) expect(installed.get(e.name), e.name).toBe(e.version);
    expect(installed.size).toBe(lock.bootstrap.length + lock.packages.length);
    expect(await inRoot(['sh', '-c', '. /etc/os-release && echo $VERSION_CODENAME'])).toBe('bookworm');
    expect(await inRoot(['dpkg', '--audit'])).toBe('');
    // WithDocs=no: documentation is left out, copyright files stay (info/dir is made by a maintainer script).
    expect(await inRoot(['sh', '-c', 'test -f /usr/share/doc/bash/copyright && find /usr/share/man /usr/share/info -type f ! -path /usr/share/info/dir | wc -l'])).toBe('0');
  });

  test.each(['bwrap', 'unshare'] as const)('%s runs commands inside the root with API file systems, network only when allowed', async (backend) => {
    const run = async (network: boolean): Promise<string> => unwrap(await runInRoot({
      mode: 'chroot', root, network, backend, env: testEnv(),
      argv: ['sh', '-c', 'test -c /dev/null && test -e /proc/self/status && test -d /sys/kernel && cat /proc/net/dev'],
    })).stdout;
    const interfaces = (text: string): string[] => text.split('\n').slice(2).map((l) => l.split(':')[0]?.trim() ?? '');
    expect(interfaces(await run(false))).toEqual(['lo']);
    expect(interfaces(await run(true)).length).toBeGreaterThan(1);
  });

  test('adds one more package on top of the root without touching the rest', async () => {
    const delta = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['hello'], root }));
    expect(delta.bootstrap).toEqual([]);
    expect(delta.packages.map((e) => e.name)).toEqual(['hello']);
    unwrap(await fetchPackages({ entries: lockEntries(delta), archives: PACKAGE_CACHE }));
    unwrap(await installPackages({ ...ctx, scratch: scratch(), root, packages: delta.requested, verify: { entries: delta.packages, mode: 'includes' } }));
    expect(await inRoot(['hello'])).toBe('Hello, world!');
  });

  test('installs a local .deb file on top, its dependency already present', async () => {
    const deb = await buildTestDeb(work, { name: 'mkb-test-local', depends: 'hello', files: { 'usr/share/mkb-test/marker': 'local\n' } });
    const delta = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: [deb], root }));
    expect(delta.packages.map((e) => e.name)).toEqual(['mkb-test-local']);
    unwrap(await installPackages({ ...ctx, scratch: scratch(), root, packages: delta.requested, verify: { entries: delta.packages, mode: 'includes' } }));
    expect(await inRoot(['cat', '/usr/share/mkb-test/marker'])).toBe('local');
  });

  test('an unknown package fails with a message naming it and the repositories searched', async () => {
    const r = await resolveLock({ ...ctx, scratch: scratch(), packages: ['hello', 'mkb-no-such-package'], root });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'PACKAGE_UNKNOWN', packages: ['mkb-no-such-package'] });
    if (r.error.code !== 'PACKAGE_UNKNOWN') return;
    expect(r.error.repositories.some((s) => s.includes(' bookworm [main]'))).toBe(true);
    const direct = await installPackages({ ...ctx, scratch: scratch(), root, packages: ['mkb-no-such-package'] });
    expect(direct).toMatchObject({ ok: false, error: { code: 'PACKAGE_UNKNOWN', packages: ['mkb-no-such-package'] } });
  });

  test('removes the added package again', async () => {
    unwrap(await removePackages({ ...ctx, scratch: scratch(), root, packages: ['mkb-test-local', 'hello'] }));
    const listed = await inRoot(['dpkg-query', '-W', '-f', '${Package}\n']);
    expect(listed.split('\n')).not.toContain('hello');
  });
});
