// RemovePackages=: `apt-get purge` in the finished image (mkosi removes them after the firstboot settings,
// before recording the package manifest). Nothing is downloaded, so apt gets a snapshot without repositories.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { PackageFailure } from '../packages/package-failure.js';
import { emptySnapshot, removePackages } from '../packages/package-manager/apt.js';
import type { Environment } from '../packages/run-tool.js';
import { removeRunLeftovers } from '../image/add-packages.js';

export interface RemoveImagePackagesOptions {
  readonly root: string;
  readonly packages: readonly string[];
  /** dpkg architecture of the image. */
  readonly architecture: string;
  /** An empty directory, removed afterwards. */
  readonly scratch: string;
  readonly env: Environment;
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export async function removeImagePackages(o: RemoveImagePackagesOptions): Promise<Result<null, PackageFailure>> {
  if (o.packages.length === 0) return ok(null);
  const metadata = join(o.scratch, 'metadata');
  try {
    await emptySnapshot(metadata, o.architecture);
    const r = await removePackages({
      metadata, root: o.root, packages: o.packages, archives: join(o.scratch, 'archives'), scratch: join(o.scratch, 'apt'),
      settings: { architecture: o.architecture, withRecommends: false, withDocs: true, repositoryKeyCheck: true },
      env: o.env, signal: o.signal, onOutput: o.onOutput,
    });
    await removeRunLeftovers(o.root);
    return r;
  } finally {
    await rm(o.scratch, { recursive: true, force: true });
  }
}
