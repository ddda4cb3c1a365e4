// mkosi's "Running depmod": indexes the kernel modules of every kernel in /usr/lib/modules with the image's
// own depmod (in the image, as mkosi runs it: its configuration and module layout are the image's). Once
// right after installation for every kernel, and again at the end of finalize for kernels whose indexes are
// missing or older than a module (extra trees and scripts may add modules in between). Before that second
// run, the kernel module and firmware filters (kernel-module-filter.ts) delete what the image does not keep.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import type { Settings } from '../types.js';
import { bool, list } from '../image/image-settings.js';
import { NODE_ENV } from '../image/node-support.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { walkTree } from '../../util/walk-tree.js';
import { runInRoot } from '../sandbox/run-in-root.js';
import { imageHasBinary, isFullSystemImage } from './tree-step.js';
import type { TreeStep, TreeStepContext } from './tree-step.js';
import { filterKernel, hasFilters } from './kernel-module-filter.js';
import type { KernelModuleFilters } from './kernel-module-filter.js';
import { kernelModuleNeeds, regexOnlyProblem } from './kernel-modules.js';

const MODULES = 'usr/lib/modules';

/** The files whose presence (and age) tells that a kernel's modules are indexed. */
export const DEPMOD_OUTPUTS = ['modules.dep', 'modules.dep.bin', 'modules.symbols', 'modules.symbols.bin'] as const;

/** A kernel directory is one with entries other than a lone `updates` (left behind by DKMS and the like). */
export function isKernelDir(entries: readonly string[]): boolean {
  return entries.length > 0 && !(entries.length === 1 && entries[0] === 'updates');
}

/** Kernel versions under /usr/lib/modules, sorted. */
export async function kernelVersions(root: string): Promise<string[]> {
  const names = await readdir(join(root, MODULES)).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names.sort()) {
    const entries = await readdir(join(root, MODULES, name)).catch(() => undefined);
    if (entries !== undefined && isKernelDir(entries)) found.push(name);
  }
  return found;
}

/** Whether the indexes exist and none is older than a module (`*.ko*`; symlinked directories such as build/ are not followed). */
export async function depmodIsCurrent(kernelDir: string): Promise<boolean> {
  const stats = await Promise.all(DEPMOD_OUTPUTS.map((name) => lstat(join(kernelDir, name)).catch(() => undefined)));
  const dep = stats[0];
  if (dep === undefined || stats.includes(undefined)) return false;
  for (const entry of walkTree(kernelDir)) {
    if (!/\.ko/.test(entry.slice(entry.lastIndexOf('/') + 1))) continue;
    if ((await lstat(join(kernelDir, entry))).mtimeMs > dep.mtimeMs) return false;
  }
  return true;
}

/**
 * The filters of an image: KernelModules= as the planner expanded it (`default`, `host`,
 * KernelModulesIncludeHost=), the exclude regexes, FirmwareFiles= and FirmwareExclude=.
 */
export function kernelModuleFilters(settings: Settings, expanded: readonly string[] | undefined): Result<KernelModuleFilters, string> {
  const include = expanded ?? list(settings, 'KernelModules');
  const needs = kernelModuleNeeds(include, expanded === undefined && bool(settings, 'KernelModulesIncludeHost', false));
  if (needs.host || needs.initrd) return err('KernelModules= still holds `default` or `host` (or KernelModulesIncludeHost=yes): the planner expands them');
  const bad = regexOnlyProblem('KernelModulesExclude', list(settings, 'KernelModulesExclude')) ?? regexOnlyProblem('FirmwareExclude', list(settings, 'FirmwareExclude'));
  if (bad !== undefined) return err(bad);
  return ok({
    modulesInclude: include, modulesExclude: list(settings, 'KernelModulesExclude'),
    firmwareInclude: list(settings, 'FirmwareFiles'), firmwareExclude: list(settings, 'FirmwareExclude'),
  });
}

async function depmod(ctx: TreeStepContext, versions: readonly string[]): Promise<Result<null, Failure>> {
  if (versions.length === 0) return ok(null);
  if (!(await imageHasBinary(ctx.root, 'depmod'))) {
    return err({
      code: 'NODE_FAILED', node: ctx.node,
      message: `the image has kernel modules (/${MODULES}/${versions.join(', ')}) but no depmod to index them`,
      hint: 'add kmod to Packages= (depmod runs inside the image, as in mkosi)',
    });
  }
  for (const version of versions) {
    const r = await runInRoot({
      mode: 'chroot', root: ctx.root, argv: ['depmod', '--all', version], network: false, env: NODE_ENV, signal: ctx.signal, onOutput: ctx.onOutput,
    });
    if (!r.ok) return err(toNodeFailure(ctx.node, r.error));
  }
  return ok(null);
}

/** Right after installation: every kernel. */
export const depmodInstalled: TreeStep = {
  tools: [],
  applies: isFullSystemImage,
  run: async (ctx) => depmod(ctx, await kernelVersions(ctx.root)),
};

/**
 * At the end of finalize: the kernel module and firmware filters (mkosi deletes what they do not keep),
 * then depmod for kernels whose indexes are missing or stale, or for every kernel when
 * KernelModulesExclude= is set. As in mkosi 27.1, deleting modules alone leaves the indexes as they were.
 */
export const depmodStale: TreeStep = {
  tools: [],
  applies: isFullSystemImage,
  async run(ctx) {
    const versions = await kernelVersions(ctx.root);
    if (versions.length === 0) return ok(null);
    const filters = kernelModuleFilters(ctx.settings, ctx.kernelModules);
    if (!filters.ok) {
      return err({
        code: 'NODE_FAILED', node: ctx.node, message: filters.error,
        hint: 'KernelModulesExclude= and FirmwareExclude= take regular expressions; KernelModules= takes globs, `default` and `host`',
      });
    }
    if (hasFilters(filters.value)) {
      if (!(await imageHasBinary(ctx.root, 'modinfo'))) {
        return err({
          code: 'NODE_FAILED', node: ctx.node,
          message: `KernelModules=/FirmwareFiles= filters need modinfo in the image to find module dependencies (kernels: ${versions.join(', ')})`,
          hint: 'add kmod to Packages= (modinfo runs inside the image, as in mkosi)',
        });
      }
      for (const version of versions) {
        const r = await filterKernel(ctx, version, filters.value);
        if (!r.ok) return r;
      }
    }
    const stale: string[] = [];
    for (const version of versions) {
      if (filters.value.modulesExclude.length > 0 || !(await depmodIsCurrent(join(ctx.root, MODULES, version)))) stale.push(version);
    }
    return depmod(ctx, stale);
  },
};
