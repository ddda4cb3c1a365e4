// Resolution against the host's Debian archive: apt patterns, local .deb files, a local repository
// (PackageDirectories=), and the failures a user meets first (unreachable mirror, missing keyring).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describePackageFailure } from '../../src/nodes/packages/package-failure.js';
import { addLocalRepository, fetchLockedPackages, fetchPackages, lockEntries, locatePackages, resolveLock, storedLock, syncMetadata } from '../../src/nodes/packages/package-manager/apt.js';
import type { AptContext } from '../../src/nodes/packages/package-manager/apt.js';
import { sha256File } from '../../src/nodes/packages/package-manager/apt/apt-resolve.js';
import { PACKAGE_CACHE, bookwormSettings, buildTestDeb, requirePrerequisites, sharedMetadata, testEnv, unwrap } from '../support/apt-test-env.js';

let work: string;
let ctx: Omit<AptContext, 'scratch'>;
let n = 0;
const scratch = (): string => join(work, `scratch-${++n}`);

beforeAll(async () => {
  requirePrerequisites();
  work = await mkdtemp(join(tmpdir(), 'mkb-apt-resolve-'));
  ctx = { metadata: await sharedMetadata('bookworm'), settings: bookwormSettings(), archives: PACKAGE_CACHE, env: testEnv() };
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('resolving against the host\'s Debian archive', () => {
  test('apt patterns select packages', async () => {
    const lock = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['?name(^hello$)'] }));
    expect(lock.packages.map((e) => e.name)).toContain('hello');
    expect(lock.requested).toEqual(['?name(^hello$)']);
  });

  test('WithRecommends= changes the resolved set', async () => {
    const without = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['curl'] }));
    const withRecs = unwrap(await resolveLock({ ...ctx, settings: bookwormSettings({ withRecommends: true }), scratch: scratch(), packages: ['curl'] }));
    expect(withRecs.packages.length).toBeGreaterThan(without.packages.length);
  });

  test('a local .deb path resolves to a file: entry hashed by mkb, its dependencies from the archive', async () => {
    const deb = await buildTestDeb(work, { name: 'mkb-test-local', depends: 'hello' });
    const lock = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: [deb] }));
    const local = lock.packages.find((e) => e.name === 'mkb-test-local');
    expect(local).toMatchObject({ version: '1.0', architecture: 'all', uri: `file:${deb}`, sha256: await sha256File(deb) });
    expect(lock.packages.map((e) => e.name)).toContain('hello');
    const archives = join(work, 'archives');
    const fetched = unwrap(await fetchPackages({ entries: lock.packages.filter((e) => e === local), archives }));
    expect(fetched.downloaded).toBe(1);
  });

  test('a stored lock keeps no URIs; the metadata locates its files again, and CacheOnly=always refuses to download', async () => {
    const lock = unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['hello'] }));
    const stored = storedLock(lock);
    expect(JSON.stringify(stored)).not.toContain('://');
    const located = unwrap(await locatePackages({ ...ctx, scratch: scratch() }, lockEntries(stored)));
    expect(located).toEqual(lockEntries(lock));

    const archives = join(work, 'locate-archives');
    const hello = lockEntries(stored).filter((e) => e.name === 'hello');
    const offline = await fetchLockedPackages({ ...ctx, scratch: scratch(), archives, entries: hello, cacheOnly: true });
    expect(!offline.ok && offline.error).toMatchObject({ code: 'PACKAGES_NOT_FOUND', reason: 'cache-only', cache: archives });
    expect(!offline.ok && describePackageFailure(offline.error).message).toMatch(/^CacheOnly=always, but 1 locked package is not in the package cache .*: hello /);
    expect(unwrap(await fetchLockedPackages({ ...ctx, scratch: scratch(), archives, entries: hello, cacheOnly: false })))
      .toMatchObject({ downloaded: 1, reused: 0 });
    expect(unwrap(await fetchLockedPackages({ ...ctx, scratch: scratch(), archives, entries: hello, cacheOnly: true })))
      .toMatchObject({ downloaded: 0, reused: 1 });
  });

  test('a locked version no repository serves is named', async () => {
    const entries = lockEntries(storedLock(unwrap(await resolveLock({ ...ctx, scratch: scratch(), packages: ['hello'] }))));
    const [hello, libc] = ['hello', 'libc6'].map((name) => entries.find((e) => e.name === name));
    if (hello === undefined || libc === undefined) throw new Error('hello did not resolve with libc6');
    const r = await locatePackages({ ...ctx, scratch: scratch() }, [hello, { ...hello, name: 'mkb-no-such-package' }, { ...libc, version: '0.0-mkb' }]);
    expect(!r.ok && r.error).toMatchObject({
      code: 'PACKAGES_NOT_FOUND', reason: 'not-in-repositories',
      packages: [`mkb-no-such-package ${hello.version} ${hello.architecture}`, `libc6 0.0-mkb ${libc.architecture}`],
    });
  });

  test('PackageDirectories=: a local repository is indexed and preferred', async () => {
    const metadata = join(work, 'metadata-copy');
    await execa('cp', ['-a', ctx.metadata, metadata]);
    const packages = join(work, 'packages');
    await mkdir(packages, { recursive: true });
    await buildTestDeb(packages, { name: 'mkb-test-repo', depends: 'hello' });
    const count = unwrap(await addLocalRepository({ ...ctx, metadata, scratch: scratch(), directories: [packages], repository: join(work, 'repository') }));
    expect(count).toBe(1);
    const lock = unwrap(await resolveLock({ ...ctx, metadata, scratch: scratch(), packages: ['mkb-test-repo'] }));
    const entry = lock.packages.find((e) => e.name === 'mkb-test-repo');
    expect(entry?.uri).toMatch(/^file:.*\/repository\/.*mkb-test-repo_1\.0_all\.deb$/);
    expect(entry?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('failures users meet first', () => {
  test('an unreachable mirror says which repository could not be fetched', async () => {
    const r = await syncMetadata({
      repositories: [{ types: ['deb'], uri: 'http://127.0.0.1:9/debian', suite: 'bookworm', components: ['main'], signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg' }],
      settings: bookwormSettings(), out: join(work, 'unreachable'), keyringPackage: 'debian-archive-keyring', env: testEnv(),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'REPOSITORY_UNREACHABLE', repositories: ['http://127.0.0.1:9/debian bookworm [main]'] } });
    if (!r.ok) expect(describePackageFailure(r.error).message).toContain('127.0.0.1:9');
  });

  test('a missing keyring names the keyring package', async () => {
    const r = await syncMetadata({
      repositories: [{ types: ['deb'], uri: 'http://127.0.0.1:9/x', suite: 'x', components: ['main'], signedBy: '/nonexistent/keyring.gpg' }],
      settings: bookwormSettings(), out: join(work, 'nokey'), keyringPackage: 'debian-archive-keyring', env: testEnv(),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'KEYRING_MISSING', path: '/nonexistent/keyring.gpg' } });
    if (!r.ok) expect(describePackageFailure(r.error).hint).toContain('debian-archive-keyring');
  });
});
