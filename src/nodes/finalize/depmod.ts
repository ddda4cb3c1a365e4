// mkosi's "Running depmod": indexes the kernel modules of every kernel in /usr/lib/modules with the image's
// own depmod (in the image, as mkosi runs it: its configuration and module layout are the image's). Once
// right after installation for every kernel, and again at the end of finalize for kernels whose indexes are
// missing or older than a module (extra trees and scripts may add modules in between).
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

/** Settings that make mkosi delete modules and firmware before depmod; mkb does not filter yet. */
export function kernelModuleFilters(settings: Settings): string[] {
  const set = ['KernelModules', 'KernelModulesExclude', 'FirmwareFiles', 'FirmwareExclude'].filter((name) => list(settings, name).length > 0);
  if (bool(settings, 'KernelModulesIncludeHost', false)) set.push('KernelModulesIncludeHost');
  return set.sort();
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

/** At the end of finalize: kernels whose indexes are missing or stale. */
export const depmodStale: TreeStep = {
  tools: [],
  applies: isFullSystemImage,
  async run(ctx) {
    const versions = await kernelVersions(ctx.root);
    const filters = kernelModuleFilters(ctx.settings);
    if (versions.length > 0 && filters.length > 0) {
      return err({
        code: 'NODE_FAILED', node: ctx.node,
        message: `${filters.map((f) => `${f}=`).join(', ')} not supported by mkb yet (the image has kernels: ${versions.join(', ')})`,
        hint: 'remove the setting to keep every module, or build this image with mkosi 27.1 for now',
      });
    }
    const stale: string[] = [];
    for (const version of versions) if (!(await depmodIsCurrent(join(ctx.root, MODULES, version)))) stale.push(version);
    return depmod(ctx, stale);
  },
};
