// package-delta: packages added to Packages= since the cached base was built, installed on top of that base
// (an overlay on the stored base where possible) instead of reinstalling it. The planner uses it when the
// previous lock's wish list is a strict subset of the current one (so the base's own lock, and the base, stay cached).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { AFTER_INSTALL, runTreeSteps, treeStepTools } from '../../finalize/system-steps.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { storedLock } from '../../packages/package-manager/apt.js';
import type { NodeKind } from '../../types.js';
import { addPackages, addSettings, epochEnvironment } from '../add-packages.js';
import { packageCache, packagesFromCacheOnly } from '../base-install/package-cache.js';
import { BASE_ONLY, BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RUNTIME, union } from '../irrelevant-settings.js';
import { objectParams } from '../node-support.js';

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
  version: 6,
  // The added packages are a parameter; Packages= itself holds the base's wish list here.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, BUILD_ONLY, BASE_ONLY.filter((n) => n !== 'WithDocs'), ['Packages']),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<PackageDeltaParams>(raw, ['metadata', 'base', 'architecture', 'packages']),
  deps: (spec) => [spec.params.metadata, spec.params.base],
  describe: (spec) => `Packages= gained ${spec.params.packages.join(', ')} since the base's lock: installed on top of ${spec.params.base}`,
  inputFiles: () => [],
  tools: (spec) => [...new Set(['apt-get', 'apt-cache', 'dpkg', 'bwrap', ...treeStepTools(AFTER_INSTALL, spec.settings)])],
  async run(spec, ctx) {
    const [metadata, base] = ctx.deps;
    if (metadata === undefined || base === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'package-delta needs its metadata and base dependencies' });
    const root = await ctx.writableTree(base, { from: 'root', at: 'root' });
    const lock = await addPackages({
      metadata: await metadata.readOnlyPath(), root, packages: spec.params.packages, settings: addSettings(spec.settings, spec.params.architecture),
      archives: packageCache(spec), cacheOnly: packagesFromCacheOnly(spec), scratch: join(ctx.outDir, 'scratch'), env: epochEnvironment(spec.settings),
      signal: ctx.signal, onOutput: ctx.output, onProgress: (d, t) => ctx.progress(d, t),
    });
    if (!lock.ok) return err(toNodeFailure(ctx.node, lock.error));
    const steps = await runTreeSteps(AFTER_INSTALL, { root, node: ctx.node, settings: spec.settings, signal: ctx.signal, onOutput: ctx.output });
    if (!steps.ok) return steps;
    await writeFile(join(ctx.outDir, 'delta-lock.json'), JSON.stringify(storedLock(lock.value), null, 1) + '\n');
    return ok(null);
  },
};
