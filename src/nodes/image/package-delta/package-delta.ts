// package-delta: packages added to Packages= since the cached base was built, installed on top of a copy of
// that base instead of reinstalling it. The planner uses it when the previous lock's wish list is a strict
// subset of the current one (so the base's own lock, and the base, stay cached).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { fetchLockedPackages, installPackages, lockEntries, resolveLock, storedLock } from '../../packages/package-manager/apt.js';
import type { AptSettings } from '../../packages/package-manager/apt.js';
import type { NodeKind } from '../../types.js';
import { packageCache, packagesFromCacheOnly } from '../base-install/package-cache.js';
import { bool, num } from '../image-settings.js';
import { BASE_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RUNTIME, union } from '../irrelevant-settings.js';
import { copyDependencyRoot, NODE_ENV, objectParams } from '../node-support.js';

export interface PackageDeltaParams {
  /** The repo-metadata node. */
  readonly metadata: NodeId;
  /** The base-install node the packages go on top of. */
  readonly base: NodeId;
  /** dpkg architecture. */
  readonly architecture: string;
  /** The packages added since the base's wish list. */
  readonly packages: readonly string[];
}

export const packageDeltaKind: NodeKind<PackageDeltaParams> = {
  kind: 'package-delta',
  version: 2,
  // The added packages are a parameter; Packages= itself holds the base's wish list here.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, BASE_ONLY.filter((n) => n !== 'WithDocs'), ['Packages']),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<PackageDeltaParams>(raw, ['metadata', 'base', 'architecture', 'packages']),
  deps: (spec) => [spec.params.metadata, spec.params.base],
  inputFiles: () => [],
  tools: () => ['apt-get', 'apt-cache', 'dpkg', 'bwrap'],
  async run(spec, ctx) {
    const [metadata, base] = ctx.deps;
    if (metadata === undefined || base === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'package-delta needs its metadata and base dependencies' });
    const root = join(ctx.outDir, 'root');
    await copyDependencyRoot(base, root);
    const settings: AptSettings = {
      architecture: spec.params.architecture, withRecommends: bool(spec.settings, 'WithRecommends', false),
      withDocs: bool(spec.settings, 'WithDocs', true), repositoryKeyCheck: bool(spec.settings, 'RepositoryKeyCheck', true),
    };
    const epoch = num(spec.settings, 'SourceDateEpoch');
    const env = epoch === undefined ? NODE_ENV : { ...NODE_ENV, SOURCE_DATE_EPOCH: String(epoch) };
    const scratch = join(ctx.outDir, 'scratch');
    const archives = packageCache(spec);
    const common = { metadata: await metadata.readOnlyPath(), settings, env, signal: ctx.signal, onOutput: ctx.output };
    try {
      const lock = await resolveLock({ ...common, archives: join(scratch, 'resolve-archives'), scratch: join(scratch, 'resolve'), packages: spec.params.packages, root });
      if (!lock.ok) return err(toNodeFailure(ctx.node, lock.error));
      const fetched = await fetchLockedPackages({
        ...common, entries: lockEntries(lock.value), cacheOnly: packagesFromCacheOnly(spec), archives, scratch: join(scratch, 'fetch'),
        onProgress: (d, t) => ctx.progress(d, t),
      });
      if (!fetched.ok) return err(toNodeFailure(ctx.node, fetched.error));
      const installed = await installPackages({
        ...common, archives, scratch: join(scratch, 'install'), root, packages: spec.params.packages,
        verify: { entries: lock.value.packages, mode: 'includes' },
      });
      if (!installed.ok) return err(toNodeFailure(ctx.node, installed.error));
      for (const p of ['var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', 'var/log/apt', 'var/log/dpkg.log', 'var/lib/dpkg/status-old']) {
        await rm(join(root, p), { recursive: true, force: true });
      }
      await writeFile(join(ctx.outDir, 'delta-lock.json'), JSON.stringify(storedLock(lock.value), null, 1) + '\n');
      return ok(null);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
