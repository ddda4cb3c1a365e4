// volatile-packages: VolatilePackages= installed on a copy of the image's base tree after mkosi's cache
// point (mkosi installs them after the build scripts, with downgrades allowed). A change to them reruns
// this node and finalize, never the base install.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { storedLock } from '../../packages/package-manager/apt.js';
import type { NodeKind } from '../../types.js';
import { addPackages, addSettings, epochEnvironment } from '../add-packages.js';
import { packageCache, packagesFromCacheOnly } from '../base-install/package-cache.js';
import { list } from '../image-settings.js';
import { BASE_ONLY, BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RUNTIME, union } from '../irrelevant-settings.js';
import { objectParams } from '../node-support.js';

export interface VolatilePackagesParams {
  /** The repo-metadata node the packages resolve against. */
  readonly metadata: NodeId;
  /** The image's base tree (base-install, or package-delta when Packages= grew). */
  readonly base: NodeId;
  /** dpkg architecture. */
  readonly architecture: string;
}

/** Only scripts read these; this stage runs none. */
const SCRIPTS_ONLY = ['BuildSources', 'BuildSourcesEphemeral', 'WithTests', 'WithNetwork', 'Environment', 'EnvironmentFiles'];

export const volatilePackagesKind: NodeKind<VolatilePackagesParams> = {
  kind: 'volatile-packages',
  version: 2,
  // Packages= reaches this stage through the base tree's digest.
  irrelevantSettings: union(
    RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, BUILD_ONLY, SCRIPTS_ONLY, BASE_ONLY.filter((n) => n !== 'WithDocs'),
    FINALIZE_ONLY.filter((n) => n !== 'VolatilePackages'), ['Packages'],
  ),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<VolatilePackagesParams>(raw, ['metadata', 'base', 'architecture']),
  deps: (spec) => [spec.params.metadata, spec.params.base],
  inputFiles: () => [],
  tools: () => ['apt-get', 'apt-cache', 'dpkg', 'bwrap'],
  async run(spec, ctx) {
    const [metadata, base] = ctx.deps;
    if (metadata === undefined || base === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'volatile-packages needs its metadata and base dependencies' });
    const root = await ctx.writableTree(base, { from: 'root', at: 'root' });
    const lock = await addPackages({
      metadata: await metadata.readOnlyPath(), root, packages: list(spec.settings, 'VolatilePackages'), allowDowngrade: true,
      settings: addSettings(spec.settings, spec.params.architecture), archives: packageCache(spec), cacheOnly: packagesFromCacheOnly(spec), scratch: join(ctx.outDir, 'scratch'),
      env: epochEnvironment(spec.settings), signal: ctx.signal, onOutput: ctx.output, onProgress: (d, t) => ctx.progress(d, t),
    });
    if (!lock.ok) return err(toNodeFailure(ctx.node, lock.error));
    await writeFile(join(ctx.outDir, 'volatile-lock.json'), JSON.stringify(storedLock(lock.value), null, 1) + '\n');
    return ok(null);
  },
};
