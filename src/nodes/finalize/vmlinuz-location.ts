// mkosi's fixup_vmlinuz_location: a kernel installed as /boot/vmlinuz-<kver> (Debian's kernel packages) is
// copied to /usr/lib/modules/<kver>/vmlinuz, where kernel-install and mkosi itself look for it. mkosi does
// this after installing packages (before depmod) and again after the post-installation scripts.
import { copyFile, lstat, readdir, readlink, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import type { TreeStep, TreeStepContext } from './tree-step.js';

const MODULES = 'usr/lib/modules';

/** mkosi's KERNEL_VERSION_PATTERN (ASCII \w, as JavaScript's). */
const KERNEL_VERSION = /\d+\.\d+[\w\-.~^+]*/;

/** Some architectures (ppc64el, riscv64) ship an uncompressed vmlinux. */
const KERNEL_IMAGES = ['vmlinuz', 'vmlinux'] as const;

/** Paths are tested as mkosi tests them: following symlinks, as the host resolves them. */
const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false);
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** The one kernel version under /usr/lib/modules, for a /boot image whose name has none. */
async function versionFromModules(ctx: TreeStepContext): Promise<Result<string | undefined, Failure>> {
  const versions = (await readdir(join(ctx.root, MODULES))).filter((name) => KERNEL_VERSION.exec(name)?.index === 0);
  if (versions.length > 1) {
    return err({ code: 'NODE_FAILED', node: ctx.node, message: 'Multiple kernel module directories found in /usr/lib/modules, unable to determine correct version to use' });
  }
  return ok(versions[0]);
}

async function fixup(ctx: TreeStepContext): Promise<Result<null, Failure>> {
  const modules = join(ctx.root, MODULES);
  const kernels = await readdir(modules).catch(() => undefined);
  if (kernels === undefined) return ok(null);
  // Nothing to do when every entry has its kernel image already.
  const placed = await Promise.all(kernels.map(async (k) => (await isFile(join(modules, k, 'vmlinuz'))) || isFile(join(modules, k, 'vmlinux'))));
  if (placed.every(Boolean)) return ok(null);
  const boot = (await readdir(join(ctx.root, 'boot')).catch(() => [] as string[])).sort();
  for (const type of KERNEL_IMAGES) {
    for (const name of boot.filter((n) => n.startsWith(`${type}-`))) {
      const source = join(ctx.root, 'boot', name);
      if ((await lstat(source)).isSymbolicLink()) continue;
      let kver = KERNEL_VERSION.exec(name.slice(type.length + 1))?.[0];
      if (kver === undefined) {
        const found = await versionFromModules(ctx);
        if (!found.ok) return found;
        kver = found.value;
      }
      if (kver === undefined || !(await exists(join(modules, kver)))) continue;
      const target = join(modules, kver, type);
      // Distributions that link it to /boot instead (OpenMandriva) get the real file.
      const link = await lstat(target).then((s) => (s.isSymbolicLink() ? readlink(target) : undefined), () => undefined);
      if (link !== undefined && (link === '/boot' || link.startsWith('/boot/'))) await unlink(target);
      if (await exists(target)) continue;
      // As shutil.copy2: the content, the mode and the timestamps.
      await copyFile(source, target);
      const st = await stat(source);
      await utimes(target, st.atime, st.mtime);
    }
  }
  return ok(null);
}

export const vmlinuzLocation: TreeStep = {
  tools: [],
  applies: () => true,
  run: fixup,
};
