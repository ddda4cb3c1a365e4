// repo-metadata: one apt index snapshot, shared by every image of a run with the same repositories. Its
// spec carries no image settings, only the resolved repositories (all its run reads) and a freshness
// bucket, so a no-op build reuses the snapshot until the bucket turns over instead of re-downloading.
import { err, ok } from '../../../errors/result.js';
import type { AptRepository } from '../../packages/distro/types.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { syncMetadata } from '../../packages/package-manager/apt.js';
import type { NodeKind } from '../../types.js';
import { str } from '../image-settings.js';
import { NODE_ENV, objectParams } from '../node-support.js';

export interface RepoMetadataParams {
  readonly repositories: readonly AptRepository[];
  /** dpkg architecture. */
  readonly architecture: string;
  readonly repositoryKeyCheck: boolean;
  readonly keyringPackage: string;
  /** Freshness bucket: `floor(now / ttl)`; a new bucket syncs again. */
  readonly bucket: string;
}

export const repoMetadataKind: NodeKind<RepoMetadataParams> = {
  kind: 'repo-metadata',
  version: 1,
  // CacheOnly= picks the snapshot (the bucket, keyed); here it only forbids syncing a new one.
  irrelevantSettings: ['CacheOnly'],
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 1,
  parseParams: (raw) => objectParams<RepoMetadataParams>(raw, ['repositories', 'architecture', 'repositoryKeyCheck', 'keyringPackage', 'bucket']),
  deps: () => [],
  inputFiles: () => [],
  tools: () => ['apt-get'],
  async run(spec, ctx) {
    const p = spec.params;
    const cacheOnly = str(spec.settings, 'CacheOnly');
    if (cacheOnly === 'metadata' || cacheOnly === 'always') {
      return err({
        code: 'NODE_FAILED', node: ctx.node,
        message: `CacheOnly=${cacheOnly} forbids syncing repository metadata, and the snapshot of the last build is no longer in the store`,
        hint: 'build once with CacheOnly=auto (the default) to sync it again',
      });
    }
    const r = await syncMetadata({
      repositories: p.repositories, out: ctx.outDir, keyringPackage: p.keyringPackage, env: NODE_ENV, signal: ctx.signal,
      settings: { architecture: p.architecture, withRecommends: false, withDocs: false, repositoryKeyCheck: p.repositoryKeyCheck },
      onOutput: (stream, chunk) => ctx.output(stream, chunk),
    });
    return r.ok ? ok(null) : err(toNodeFailure(ctx.node, r.error));
  },
};
