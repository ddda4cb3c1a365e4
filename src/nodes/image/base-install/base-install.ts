// base-install: skeleton trees, the bootstrap set and Packages= installed exactly as locked, then the
// prepare scripts (mkosi's Incremental cache point). Keyed on the lock's digest, not on the wish list or
// the mirror, so an unchanged resolution keeps this (slow) stage cached.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { err } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { AFTER_INSTALL, runTreeSteps, treeStepTools } from '../../finalize/system-steps.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { bootstrap, fetchLockedPackages, lockEntries } from '../../packages/package-manager/apt.js';
import type { AptSettings, PackageLock } from '../../packages/package-manager/apt.js';
import type { NodeKind } from '../../types.js';
import { bool, list, num, trees } from '../image-settings.js';
import { BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RESOLUTION, RUNTIME, union } from '../irrelevant-settings.js';
import { NODE_ENV, objectParams } from '../node-support.js';
import { LOCK_FILE } from '../package-lock/package-lock.js';
import { scriptApt, SCRIPT_APT_SETTINGS } from '../script-apt.js';
import type { ScriptAptParams } from '../script-apt.js';
import { runScripts } from '../scripts.js';
import { copyTrees } from '../trees.js';
import { lockRepository } from './lock-repository.js';
import { packageCache, packagesFromCacheOnly } from './package-cache.js';

export interface BaseInstallParams {
  /** The package-lock node. */
  readonly lock: NodeId;
  /** The repo-metadata node the lock was resolved from: asked only where to download what the cache lacks. */
  readonly metadata: NodeId;
  /** SkeletonTrees= sources and PrepareScripts=, relative to the plan root (their digests enter the key). */
  readonly files: readonly string[];
  /** Set when prepare scripts exist: mkosi-install in them installs from this metadata. */
  readonly scriptApt?: ScriptAptParams;
}

/** What only records this particular run (logs, caches, backup files): left out so trees compare equal. */
const RUN_LEFTOVERS = [
  'var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', 'var/log/apt', 'var/log/dpkg.log', 'var/log/alternatives.log',
  'var/cache/ldconfig/aux-cache', 'var/lib/dpkg/status-old', 'var/lib/dpkg/diversions-old', 'var/lib/dpkg/statoverride-old',
  'var/cache/debconf/config.dat-old', 'var/cache/debconf/templates.dat-old', 'var/lib/dbus/machine-id',
];

async function removeRunLeftovers(root: string): Promise<void> {
  for (const p of RUN_LEFTOVERS) await rm(join(root, p), { recursive: true, force: true });
}

export const baseInstallKind: NodeKind<BaseInstallParams> = {
  kind: 'base-install',
  version: 7,
  // Package lists, mirrors and repositories reach this stage through the lock's digest (the script helpers' apt
  // settings stay keyed).
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, FINALIZE_ONLY, RESOLUTION.filter((n) => !(SCRIPT_APT_SETTINGS as readonly string[]).includes(n)), BUILD_ONLY),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<BaseInstallParams>(raw, ['lock', 'metadata', 'files']),
  deps: (spec) => [spec.params.lock, spec.params.metadata,
    ...(spec.params.scriptApt === undefined || spec.params.scriptApt.metadata === spec.params.metadata ? [] : [spec.params.scriptApt.metadata])],
  // The lock pins every file by sha256; the metadata only says where to download the ones not cached, unless
  // prepare scripts may install from it (mkosi-install): then it is keyed.
  unkeyedDeps: (spec) => (spec.params.scriptApt === undefined ? [spec.params.metadata] : []),
  inputFiles: (spec) => spec.params.files,
  tools: (spec) => [...new Set(['apt-get', 'dpkg', 'dpkg-deb', 'tar', 'apt-ftparchive', ...(list(spec.settings, 'PrepareScripts').length > 0 ? ['bwrap'] : []),
    ...treeStepTools(AFTER_INSTALL, spec.settings)])],
  async run(spec, ctx) {
    const [lockDep, metadataDep] = ctx.deps;
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
      const apt = await scriptApt(spec, spec.params.scriptApt, ctx.deps);
      const prepared = await runScripts({
        ...(apt === undefined ? {} : { apt }),
        stage: 'prepare', scripts: list(spec.settings, 'PrepareScripts'), kind: baseInstallKind, settings: spec.settings, node: ctx.node,
        buildroot: root, scratch: join(scratch, 'scripts'), root: ctx.root, signal: ctx.signal, onOutput: ctx.output,
      });
      if (!prepared.ok) return prepared;
      await removeRunLeftovers(root);
      return await runTreeSteps(AFTER_INSTALL, { root, node: ctx.node, settings: spec.settings, signal: ctx.signal, onOutput: ctx.output });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
