// base-install: skeleton trees, the bootstrap set and Packages= installed exactly as locked, the boot
// directories, then the prepare scripts (mkosi's Incremental cache point). Keyed on the lock's digest, not on the wish list or
// the mirror, so an unchanged resolution keeps this (slow) stage cached.
// With BaseTrees= (mkosi's install_base_trees, install_distribution): the base trees first, then the
// skeleton trees, then only Packages= installed on top with apt (no bootstrap, no lock: resolved here
// against the trees' dpkg database), then the prepare scripts.
import { access, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { AFTER_INSTALL, runTreeSteps, treeStepTools } from '../../finalize/system-steps.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { bootstrap, fetchLockedPackages, lockEntries } from '../../packages/package-manager/apt.js';
import type { AptSettings, PackageLock } from '../../packages/package-manager/apt.js';
import type { NodeKind, NodeSpec, RunContext, RunResult } from '../../types.js';
import { addPackages, epochEnvironment, removeRunLeftovers } from '../add-packages.js';
import { bool, list, num, trees } from '../image-settings.js';
import { BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RESOLUTION, RUNTIME, union } from '../irrelevant-settings.js';
import { NODE_ENV, objectParams } from '../node-support.js';
import { LOCK_FILE } from '../package-lock/package-lock.js';
import { scriptApt, SCRIPT_APT_SETTINGS } from '../script-apt.js';
import type { ScriptAptParams } from '../script-apt.js';
import { runScripts } from '../scripts.js';
import { copyTrees } from '../trees.js';
import { copyBaseTrees } from './base-trees.js';
import { createBootLayout } from './boot-layout.js';
import { lockRepository } from './lock-repository.js';
import { packageCache, packagesFromCacheOnly } from './package-cache.js';

export interface BaseInstallParams {
  /** The package-lock node; absent with BaseTrees= (`onBaseTrees`). */
  readonly lock?: NodeId;
  /**
   * The repo-metadata node the lock was resolved from: asked only where to download what the cache lacks.
   * With BaseTrees=, Packages= are resolved from it here, so it is keyed.
   */
  readonly metadata: NodeId;
  /** BaseTrees= and SkeletonTrees= sources and PrepareScripts=, relative to the plan root (their digests enter the key). */
  readonly files: readonly string[];
  /** Set when prepare scripts exist: mkosi-install in them installs from this metadata. */
  readonly scriptApt?: ScriptAptParams;
  /** Set for an image with BaseTrees=: what is installed on top of them (the resolution settings this kind does not key). */
  readonly onBaseTrees?: BaseTreesInstall;
}

export interface BaseTreesInstall {
  /** Packages=: mkosi installs only these on top of the base trees. */
  readonly packages: readonly string[];
  /** dpkg architecture. */
  readonly architecture: string;
  readonly withRecommends: boolean;
  readonly repositoryKeyCheck: boolean;
}

type Spec = NodeSpec<BaseInstallParams>;

/** The prepare scripts, what only records this run removed, then depmod and hwdb (mkosi runs them before its cache point). */
async function prepare(spec: Spec, ctx: RunContext, root: string, scratch: string): Promise<RunResult> {
  const apt = await scriptApt(spec, spec.params.scriptApt, ctx.deps);
  const prepared = await runScripts({
    ...(apt === undefined ? {} : { apt }),
    stage: 'prepare', scripts: list(spec.settings, 'PrepareScripts'), kind: baseInstallKind, settings: spec.settings, node: ctx.node,
    buildroot: root, scratch: join(scratch, 'scripts'), root: ctx.root, signal: ctx.signal, onOutput: ctx.output,
  });
  if (!prepared.ok) return prepared;
  await removeRunLeftovers(root);
  return runTreeSteps(AFTER_INSTALL, { root, node: ctx.node, settings: spec.settings, signal: ctx.signal, onOutput: ctx.output });
}

/** Skeleton trees, then the locked bootstrap set and Packages=, the boot directories, then the prepare scripts. */
async function installLocked(spec: Spec, ctx: RunContext): Promise<RunResult> {
  const lockDep = ctx.deps.find((d) => d.id === spec.params.lock);
  const metadataDep = ctx.deps.find((d) => d.id === spec.params.metadata);
  if (lockDep === undefined || metadataDep === undefined) {
    return err({ code: 'NODE_FAILED', node: ctx.node, message: 'base-install needs its package-lock and repo-metadata dependencies' });
  }
  const lock = JSON.parse(await readFile(join(await lockDep.readOnlyPath(), LOCK_FILE), 'utf8')) as PackageLock;
  const archives = packageCache(spec);
  const root = join(ctx.outDir, 'root');
  const scratch = join(ctx.outDir, 'scratch');
  const settings: AptSettings = {
    architecture: lock.architecture, withRecommends: false, withDocs: bool(spec.settings, 'WithDocs', true), repositoryKeyCheck: true,
  };
  try {
    const fetched = await fetchLockedPackages({
      entries: lockEntries(lock), cacheOnly: packagesFromCacheOnly(spec), metadata: await metadataDep.readOnlyPath(), settings, archives,
      scratch: join(scratch, 'locate'), env: NODE_ENV, signal: ctx.signal, onProgress: (d, t) => ctx.progress(d, t),
    });
    if (!fetched.ok) return err(toNodeFailure(ctx.node, fetched.error));
    const metadata = await lockRepository({ lock, archives, settings, dir: join(scratch, 'lock-repository'), env: NODE_ENV, signal: ctx.signal });
    if (!metadata.ok) return err(toNodeFailure(ctx.node, metadata.error));
    await copyTrees({ trees: trees(spec.settings, 'SkeletonTrees'), root, owner: false });
    // Maintainer scripts that stamp dates (shadow's last change, …) honour SOURCE_DATE_EPOCH.
    const epoch = num(spec.settings, 'SourceDateEpoch');
    const env = epoch === undefined ? NODE_ENV : { ...NODE_ENV, SOURCE_DATE_EPOCH: String(epoch) };
    const installed = await bootstrap({
      metadata: metadata.value, settings, archives, scratch: join(scratch, 'bootstrap'), env, root, lock, signal: ctx.signal,
      onOutput: (stream, chunk) => ctx.output(stream, chunk),
    });
    if (!installed.ok) return err(toNodeFailure(ctx.node, installed.error));
    // As mkosi's install_distribution after a full install (not on BaseTrees=).
    await createBootLayout(root);
    return await prepare(spec, ctx, root, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** BaseTrees=, then the skeleton trees, then Packages= on top with apt, then the prepare scripts (mkosi's order). */
async function installOnBaseTrees(spec: Spec, on: BaseTreesInstall, ctx: RunContext): Promise<RunResult> {
  const metadataDep = ctx.deps.find((d) => d.id === spec.params.metadata);
  if (metadataDep === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'base-install needs its repo-metadata dependency' });
  const root = join(ctx.outDir, 'root');
  const scratch = join(ctx.outDir, 'scratch');
  try {
    const refused = await copyBaseTrees({ sources: list(spec.settings, 'BaseTrees'), root, signal: ctx.signal });
    if (refused.length > 0) {
      return err({
        code: 'NODE_FAILED', node: ctx.node, message: `BaseTrees=: disk images are not supported by mkb yet: ${refused.join(', ')}`,
        hint: 'use the image as a directory or a tar archive (Format=directory or Format=tar)',
      });
    }
    await copyTrees({ trees: trees(spec.settings, 'SkeletonTrees'), root, owner: false, signal: ctx.signal });
    if (on.packages.length > 0) {
      if (!(await access(join(root, 'var/lib/dpkg/status')).then(() => true, () => false))) {
        return err({
          code: 'NODE_FAILED', node: ctx.node, message: 'BaseTrees= hold no dpkg database (var/lib/dpkg/status): Packages= cannot be installed on top of them',
          hint: 'build the base tree with CleanPackageMetadata=no, as mkosi requires for BaseTrees=',
        });
      }
      const added = await addPackages({
        metadata: await metadataDep.readOnlyPath(), root, packages: on.packages, archives: packageCache(spec), cacheOnly: packagesFromCacheOnly(spec),
        settings: { architecture: on.architecture, withRecommends: on.withRecommends, withDocs: bool(spec.settings, 'WithDocs', true), repositoryKeyCheck: on.repositoryKeyCheck },
        scratch: join(scratch, 'packages'), env: epochEnvironment(spec.settings), signal: ctx.signal, onOutput: ctx.output,
        onProgress: (d, t) => ctx.progress(d, t),
      });
      if (!added.ok) return err(toNodeFailure(ctx.node, added.error));
    }
    return await prepare(spec, ctx, root, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export const baseInstallKind: NodeKind<BaseInstallParams> = {
  kind: 'base-install',
  version: 10,
  // Package lists, mirrors and repositories reach this stage through the lock's digest (the script helpers' apt
  // settings stay keyed); with BaseTrees=, through the metadata's digest and `onBaseTrees`.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, RESOLUTION.filter((n) => !(SCRIPT_APT_SETTINGS as readonly string[]).includes(n)), BUILD_ONLY),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<BaseInstallParams>(raw, ['metadata', 'files']),
  deps: (spec) => [...(spec.params.lock === undefined ? [] : [spec.params.lock]), spec.params.metadata,
    ...(spec.params.scriptApt === undefined || spec.params.scriptApt.metadata === spec.params.metadata ? [] : [spec.params.scriptApt.metadata])],
  // The lock pins every file by sha256; the metadata only says where to download the ones not cached, unless
  // prepare scripts may install from it (mkosi-install) or Packages= are resolved from it (BaseTrees=): then it is keyed.
  unkeyedDeps: (spec) => (spec.params.scriptApt === undefined && spec.params.onBaseTrees === undefined ? [spec.params.metadata] : []),
  inputFiles: (spec) => spec.params.files,
  tools: (spec) => [...new Set([
    'tar', 'cp', ...(spec.params.onBaseTrees === undefined ? ['apt-get', 'dpkg', 'dpkg-deb', 'apt-ftparchive'] : []),
    ...(spec.params.onBaseTrees !== undefined && spec.params.onBaseTrees.packages.length > 0 ? ['apt-get', 'apt-cache', 'dpkg', 'bwrap'] : []),
    ...(list(spec.settings, 'PrepareScripts').length > 0 ? ['bwrap'] : []), ...treeStepTools(AFTER_INSTALL, spec.settings),
  ])],
  run: (spec, ctx) => (spec.params.onBaseTrees === undefined ? installLocked(spec, ctx) : installOnBaseTrees(spec, spec.params.onBaseTrees, ctx)),
};
