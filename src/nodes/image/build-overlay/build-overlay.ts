// build-overlay: the tree build scripts run on — the image's base tree plus BuildPackages= and the prepare
// scripts run again with the argument `build` (mkosi's build overlay, cached beside its image cache). Only
// planned for images with build scripts; the final image never contains it, so BuildPackages= stay out.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import type { NodeKind } from '../../types.js';
import { addPackages, addSettings, epochEnvironment } from '../add-packages.js';
import { packageCache, packagesFromCacheOnly } from '../base-install/package-cache.js';
import { list } from '../image-settings.js';
import { DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RUNTIME, union } from '../irrelevant-settings.js';
import { objectParams } from '../node-support.js';
import { scriptApt } from '../script-apt.js';
import { runScripts } from '../scripts.js';

export interface BuildOverlayParams {
  /** The repo-metadata node BuildPackages= resolve against. */
  readonly metadata: NodeId;
  /** The image's base tree (base-install, or package-delta when Packages= grew). */
  readonly base: NodeId;
  /** dpkg architecture. */
  readonly architecture: string;
  /** PrepareScripts=, relative to the plan root. */
  readonly files: readonly string[];
}

/** What the build scripts and everything after them read; the overlay is done before them. */
const LATER_STAGES = ['BuildScripts', 'BuildSources', 'BuildSourcesEphemeral', 'BuildDirectory', 'BuildSubdirectory', 'WithNetwork'];

export const buildOverlayKind: NodeKind<BuildOverlayParams> = {
  kind: 'build-overlay',
  version: 2,
  // Packages= and SkeletonTrees= reach this stage through the base tree's digest.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, LATER_STAGES, ['Packages', 'SkeletonTrees', 'BaseTrees']),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<BuildOverlayParams>(raw, ['metadata', 'base', 'architecture', 'files']),
  deps: (spec) => [spec.params.metadata, spec.params.base],
  inputFiles: (spec) => spec.params.files,
  tools: () => ['apt-get', 'apt-cache', 'dpkg', 'bwrap'],
  async run(spec, ctx) {
    const [metadata, base] = ctx.deps;
    if (metadata === undefined || base === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'build-overlay needs its metadata and base dependencies' });
    const root = await ctx.writableTree(base, { from: 'root', at: 'root' });
    const scratch = join(ctx.outDir, 'scratch');
    try {
      const packages = list(spec.settings, 'BuildPackages');
      if (packages.length > 0) {
        const added = await addPackages({
          metadata: await metadata.readOnlyPath(), root, packages, settings: addSettings(spec.settings, spec.params.architecture),
          archives: packageCache(spec), cacheOnly: packagesFromCacheOnly(spec), scratch: join(scratch, 'packages'), env: epochEnvironment(spec.settings),
          signal: ctx.signal, onOutput: ctx.output, onProgress: (d, t) => ctx.progress(d, t),
        });
        if (!added.ok) return err(toNodeFailure(ctx.node, added.error));
      }
      const apt = await scriptApt(spec, { metadata: spec.params.metadata, architecture: spec.params.architecture }, ctx.deps);
      const prepared = await runScripts({
        ...(apt === undefined ? {} : { apt }),
        stage: 'prepare', args: ['build'], scripts: list(spec.settings, 'PrepareScripts'), kind: buildOverlayKind, settings: spec.settings,
        node: ctx.node, buildroot: root, scratch: join(scratch, 'scripts'), root: ctx.root, signal: ctx.signal, onOutput: ctx.output,
      });
      return prepared.ok ? ok(null) : prepared;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
