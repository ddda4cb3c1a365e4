// A metadata snapshot holding exactly a lock's packages: a local repository of the cached files. The
// base install resolves against it, so it needs only the lock (not the mirror's indexes) and cannot drift
// from the lock whatever the archive did since.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../../packages/package-failure.js';
import { addLocalRepository, emptySnapshot } from '../../packages/package-manager/apt.js';
import type { AptSettings, PackageLock } from '../../packages/package-manager/apt.js';
import type { Environment } from '../../packages/run-tool.js';

export interface LockRepositoryOptions {
  readonly lock: PackageLock;
  /** The package cache holding every file of the lock (after fetchPackages). */
  readonly archives: string;
  readonly settings: AptSettings;
  /** Empty directory: becomes the snapshot, the repository and their scratch. */
  readonly dir: string;
  readonly env: Environment;
  readonly signal: AbortSignal;
}

/** Returns the snapshot's path (an `AptContext.metadata`). */
export async function lockRepository(o: LockRepositoryOptions): Promise<Result<string, PackageFailure>> {
  const metadata = join(o.dir, 'metadata');
  await emptySnapshot(metadata, o.lock.architecture);
  const debs = join(o.dir, 'debs');
  await mkdir(debs, { recursive: true });
  for (const e of [...o.lock.bootstrap, ...o.lock.packages]) {
    await symlink(join(o.archives, e.cacheFile), join(debs, e.cacheFile)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  const r = await addLocalRepository({
    metadata, settings: o.settings, scratch: join(o.dir, 'scratch'), env: o.env, signal: o.signal,
    directories: [debs], repository: join(o.dir, 'repository'),
  });
  return r.ok ? { ok: true, value: metadata } : r;
}
