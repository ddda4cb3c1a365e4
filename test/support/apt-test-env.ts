// Shared set-up of the apt integration tests: the host's Debian archive (from its apt sources), one
// package cache for every test and run (/var/cache/mkb-test/packages), and one metadata snapshot per
// repository set, reused for a few hours, so reruns cost the shared machine almost no network.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { debian } from '../../src/nodes/packages/distro/debian.js';
import { readHostAptSources } from '../../src/nodes/packages/distro/host-apt-sources.js';
import type { AptRepository } from '../../src/nodes/packages/distro/types.js';
import { describePackageFailure } from '../../src/nodes/packages/package-failure.js';
import type { PackageFailure } from '../../src/nodes/packages/package-failure.js';
import type { AptSettings } from '../../src/nodes/packages/package-manager/apt.js';
import { syncMetadata } from '../../src/nodes/packages/package-manager/apt.js';
import { toolEnvironment } from '../../src/nodes/packages/run-tool.js';
import type { Environment } from '../../src/nodes/packages/run-tool.js';

export const TEST_CACHE = '/var/cache/mkb-test';
export const PACKAGE_CACHE = join(TEST_CACHE, 'packages');
const METADATA_TTL_MS = 6 * 3600_000;

export const testEnv = (): Environment => toolEnvironment(process.env);

export function bookwormSettings(overrides: Partial<AptSettings> = {}): AptSettings {
  return { architecture: 'amd64', withRecommends: false, withDocs: false, repositoryKeyCheck: true, ...overrides };
}

/** Fails (never skips) when a prerequisite of the apt integration tests is missing. */
export function requirePrerequisites(): void {
  if (process.getuid?.() !== 0) throw new Error('apt integration tests: must run as root (they unpack packages and run dpkg in namespaces)');
  for (const tool of ['/usr/bin/apt-get', '/usr/bin/dpkg', '/usr/bin/bwrap', '/usr/bin/apt-ftparchive']) {
    if (!existsSync(tool)) throw new Error(`apt integration tests: ${tool} is missing; test/integration/setup.ts installs it (run the integration project)`);
  }
}

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: PackageFailure }): T {
  if (r.ok) return r.value;
  const text = describePackageFailure(r.error);
  throw new Error(`${r.error.code}: ${text.message}${text.hint === undefined ? '' : `\n  hint: ${text.hint}`}`);
}

/** Bookworm repositories from the host's apt sources. */
export async function bookwormRepositories(release = 'bookworm'): Promise<readonly AptRepository[]> {
  const host = await readHostAptSources({ etcApt: '/etc/apt' });
  return unwrap(debian.repositories({ release, architecture: 'x86-64', repositories: [], host }, 'build'));
}

/** A metadata snapshot for `release`, synced at most every few hours (first caller syncs; atomic rename). */
export async function sharedMetadata(release = 'bookworm'): Promise<string> {
  const repositories = await bookwormRepositories(release);
  const key = createHash('sha256').update(JSON.stringify(repositories)).digest('hex').slice(0, 16);
  const dir = join(TEST_CACHE, 'metadata', `${release}-${key}`);
  const info = join(dir, 'metadata.json');
  if (existsSync(info) && Date.now() - statSync(info).mtimeMs < METADATA_TTL_MS) return dir;
  await mkdir(join(TEST_CACHE, 'metadata'), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    unwrap(await syncMetadata({ repositories, settings: bookwormSettings(), out: tmp, keyringPackage: 'debian-archive-keyring', env: testEnv() }));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

export interface TestDeb {
  readonly name: string;
  readonly version?: string;
  readonly depends?: string;
  /** Files to ship: path inside the package → content. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Builds a tiny architecture-independent .deb with dpkg-deb into `dir`; returns its path. */
export async function buildTestDeb(dir: string, deb: TestDeb): Promise<string> {
  const { mkdir: mk, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const { execa } = await import('execa');
  const version = deb.version ?? '1.0';
  const tree = join(dir, `${deb.name}-tree`);
  await mk(join(tree, 'DEBIAN'), { recursive: true });
  await writeFile(join(tree, 'DEBIAN/control'), [
    `Package: ${deb.name}`, `Version: ${version}`, 'Architecture: all', 'Maintainer: mkb tests <tests@mkb.invalid>',
    ...(deb.depends === undefined ? [] : [`Depends: ${deb.depends}`]), 'Description: mkb test package', '',
  ].join('\n'));
  for (const [path, content] of Object.entries(deb.files ?? {})) {
    await mk(dirname(join(tree, path)), { recursive: true });
    await writeFile(join(tree, path), content);
  }
  const out = join(dir, `${deb.name}_${version}_all.deb`);
  await execa('dpkg-deb', ['--root-owner-group', '-b', tree, out], { env: testEnv(), extendEnv: false });
  return out;
}
