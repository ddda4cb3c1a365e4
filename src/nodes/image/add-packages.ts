// Packages added on top of an existing image root (a private copy in a node's output): resolved against a
// repository metadata snapshot, fetched into the shared package cache, installed with apt and checked
// against that resolution. package-delta, build-overlay and volatile-packages all add packages this way.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { PackageFailure } from '../packages/package-failure.js';
import { fetchLockedPackages, installPackages, lockEntries, resolveLock } from '../packages/package-manager/apt.js';
import type { AptSettings, PackageLock } from '../packages/package-manager/apt.js';
import type { Environment } from '../packages/run-tool.js';
import type { Settings } from '../types.js';
import { bool, num } from './image-settings.js';
import { NODE_ENV } from './node-support.js';

export interface AddPackagesOptions {
  /** A repository metadata snapshot (a repo-metadata node's tree). */
  readonly metadata: string;
  readonly root: string;
  readonly packages: readonly string[];
  readonly settings: AptSettings;
  /** The shared package cache. */
  readonly archives: string;
  /** CacheOnly=always: install only what the package cache holds. */
  readonly cacheOnly: boolean;
  /** An empty directory, removed afterwards. */
  readonly scratch: string;
  readonly env: Environment;
  /** VolatilePackages= may replace a newer version from the base (mkosi passes --allow-downgrades). */
  readonly allowDowngrade?: boolean;
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
  readonly onProgress: (done: number, total: number) => void;
}

/**
 * What only records one particular package run (logs, binary caches, backup databases): removed after every install
 * (base-install and added packages alike), so trees compare equal however the install was split into runs.
 */
const RUN_LEFTOVERS = [
  'var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', 'var/log/apt', 'var/log/dpkg.log', 'var/log/alternatives.log',
  'var/cache/ldconfig/aux-cache', 'var/lib/dpkg/status-old', 'var/lib/dpkg/diversions-old', 'var/lib/dpkg/statoverride-old',
  'var/cache/debconf/config.dat-old', 'var/cache/debconf/templates.dat-old', 'var/lib/dbus/machine-id',
];

/** Removes apt's and dpkg's records of this particular run from `root`. */
export async function removeRunLeftovers(root: string): Promise<void> {
  for (const p of RUN_LEFTOVERS) await rm(join(root, p), { recursive: true, force: true });
}

/** Installs `packages` into `root`; returns the resolution that was installed. */
export async function addPackages(o: AddPackagesOptions): Promise<Result<PackageLock, PackageFailure>> {
  const common = { metadata: o.metadata, settings: o.settings, env: o.env, signal: o.signal, onOutput: o.onOutput };
  try {
    const lock = await resolveLock({ ...common, archives: join(o.scratch, 'resolve-archives'), scratch: join(o.scratch, 'resolve'), packages: o.packages, root: o.root });
    if (!lock.ok) return lock;
    const fetched = await fetchLockedPackages({
      ...common, entries: lockEntries(lock.value), cacheOnly: o.cacheOnly, archives: o.archives, scratch: join(o.scratch, 'fetch'), onProgress: o.onProgress,
    });
    if (!fetched.ok) return fetched;
    const installed = await installPackages({
      ...common, archives: o.archives, scratch: join(o.scratch, 'install'), root: o.root, packages: o.packages,
      verify: { entries: lock.value.packages, mode: 'includes' }, ...(o.allowDowngrade === true ? { allowDowngrade: true } : {}),
    });
    if (!installed.ok) return installed;
    await removeRunLeftovers(o.root);
    return ok(lock.value);
  } finally {
    await rm(o.scratch, { recursive: true, force: true });
  }
}

/** apt's settings for adding packages to an image of `settings`. */
export function addSettings(settings: Settings, architecture: string): AptSettings {
  return {
    architecture, withRecommends: bool(settings, 'WithRecommends', false), withDocs: bool(settings, 'WithDocs', true),
    repositoryKeyCheck: bool(settings, 'RepositoryKeyCheck', true),
  };
}

/** The node environment, plus SOURCE_DATE_EPOCH for maintainer scripts that stamp dates. */
export function epochEnvironment(settings: Settings): Environment {
  const epoch = num(settings, 'SourceDateEpoch');
  return epoch === undefined ? NODE_ENV : { ...NODE_ENV, SOURCE_DATE_EPOCH: String(epoch) };
}
