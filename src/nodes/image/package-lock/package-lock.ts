// package-lock: the exact package set (name, version, architecture, sha256, size) that apt resolves for an
// image's Packages= from a metadata snapshot. Later stages key on this output's digest, so a new snapshot
// or another mirror that resolves to the same set rebuilds nothing after it (early cut-off): the lock
// keeps no URIs, base-install asks the snapshot where to fetch what the package cache lacks.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { fetchPackages, resolveLock, storedLock } from '../../packages/package-manager/apt.js';
import { packageCache } from '../base-install/package-cache.js';
import type { NodeKind } from '../../types.js';
import { bool, list } from '../image-settings.js';
import { BASE_ONLY, BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RUNTIME, union } from '../irrelevant-settings.js';
import { NODE_ENV, objectParams } from '../node-support.js';

export interface PackageLockParams {
  /** The repo-metadata node. */
  readonly metadata: NodeId;
  /** dpkg architecture. */
  readonly architecture: string;
  /** The distribution's bootstrap selection (the essential set). */
  readonly bootstrap: readonly string[];
}

export const LOCK_FILE = 'lock.json';

export const packageLockKind: NodeKind<PackageLockParams> = {
  kind: 'package-lock',
  version: 2,
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, BASE_ONLY, BUILD_ONLY),
  env: [],
  reproducible: true,
  cacheable: true,
  weight: 1,
  parseParams: (raw) => objectParams<PackageLockParams>(raw, ['metadata', 'architecture', 'bootstrap']),
  deps: (spec) => [spec.params.metadata],
  inputFiles: () => [],
  tools: () => ['apt-get', 'apt-cache'],
  async run(spec, ctx) {
    const metadata = ctx.deps[0];
    if (metadata === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'package-lock needs its repo-metadata dependency' });
    const scratch = join(ctx.outDir, '.scratch');
    await mkdir(scratch, { recursive: true });
    try {
      const r = await resolveLock({
        metadata: await metadata.readOnlyPath(), archives: join(scratch, 'archives'), scratch, env: NODE_ENV, signal: ctx.signal,
        settings: {
          architecture: spec.params.architecture, withRecommends: bool(spec.settings, 'WithRecommends', false),
          withDocs: false, repositoryKeyCheck: bool(spec.settings, 'RepositoryKeyCheck', true),
        },
        packages: list(spec.settings, 'Packages'), bootstrap: spec.params.bootstrap,
        onOutput: (stream, chunk) => ctx.output(stream, chunk),
      });
      if (!r.ok) return err(toNodeFailure(ctx.node, r.error));
      // Local .deb files named in Packages= are in no repository base-install could ask: cache them now.
      const local = [...r.value.bootstrap, ...r.value.packages].filter((e) => e.uri.startsWith('file:'));
      const cached = await fetchPackages({ entries: local, archives: packageCache(spec), signal: ctx.signal });
      if (!cached.ok) return err(toNodeFailure(ctx.node, cached.error));
      await writeFile(join(ctx.outDir, LOCK_FILE), JSON.stringify(storedLock(r.value), null, 1) + '\n');
      return ok(null);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
