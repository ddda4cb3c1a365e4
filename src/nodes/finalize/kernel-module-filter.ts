// mkosi 27.1's "Applying kernel module filters" for one kernel: selects modules by KernelModules= and
// KernelModulesExclude=, adds their dependencies and the firmware they need (modinfo, run in the image as
// mkosi runs it), applies FirmwareFiles=/FirmwareExclude=, then deletes every other module file and every
// other file under /usr/lib/firmware (microcode excepted). depmod.ts reindexes afterwards.
import { lstat, readFile, readdir, readlink, rm, rmdir, stat, symlink, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import { NODE_ENV } from '../image/node-support.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { runInRoot } from '../sandbox/run-in-root.js';
import { walkTree } from '../../util/walk-tree.js';
import { fnmatch } from '../../util/fnmatch.js';
import { comparePathComponents } from '../../util/path-order.js';
import { isModuleFile, modulePathToName, parseModinfo, resolveDependencies, selectFirmware, selectKernelModules } from './kernel-modules.js';
import type { ModuleInfo } from './kernel-modules.js';
import { resolveInImage } from './tree-step.js';
import type { TreeStepContext } from './tree-step.js';

const FIRMWARE = 'usr/lib/firmware';

export interface KernelModuleFilters {
  /** KernelModules= with `default` and `host` expanded (and KernelModulesIncludeHost= applied). */
  readonly modulesInclude: readonly string[];
  readonly modulesExclude: readonly string[];
  readonly firmwareInclude: readonly string[];
  readonly firmwareExclude: readonly string[];
}

export function hasFilters(f: KernelModuleFilters): boolean {
  return f.modulesInclude.length + f.modulesExclude.length + f.firmwareInclude.length + f.firmwareExclude.length > 0;
}

const exists = async (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** Path components as Python's PurePath splits them: a leading `/` is a component, `.` and empty ones go. */
function parts(path: string): string[] {
  const out = path.startsWith('/') ? ['/'] : [];
  for (const p of path.split('/')) if (p !== '' && p !== '.') out.push(p);
  return out;
}

/** `pattern` (relative, components may hold globs) matched below `base`, as pathlib's glob matches it. */
async function globBelow(base: string, pattern: string): Promise<string[]> {
  let found = [''];
  const components = parts(pattern).filter((p) => p !== '/');
  for (const [i, component] of components.entries()) {
    const last = i === components.length - 1;
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(component)) {
        const path = dir === '' ? component : `${dir}/${component}`;
        const st = await stat(join(base, path)).catch(() => undefined);
        if (st !== undefined && (last || st.isDirectory())) next.push(path);
        continue;
      }
      const entries = await readdir(join(base, dir), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!fnmatch(entry.name, component)) continue;
        const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (last || (await stat(join(base, path)).catch(() => undefined))?.isDirectory() === true) next.push(path);
      }
    }
    found = next;
  }
  return found.filter((p) => p !== '');
}

/** The firmware files a module's `firmware:` value names (relative to /usr/lib/firmware), compressed variants included. */
async function firmwareFiles(root: string, value: string): Promise<string[]> {
  const base = join(root, FIRMWARE);
  const out = new Set<string>();
  if (await exists(join(base, value))) out.add(parts(value).join('/'));
  for (const f of await globBelow(base, value.endsWith('*') ? value : `${value}.*`)) out.add(f);
  return [...out];
}

/**
 * Every path a firmware file needs (relative to root): each symlink met on the way, resolved one component
 * at a time, and the file it finally leads to. A link into /etc/alternatives is replaced by a relative
 * link to the file the alternative names, so that the image does not depend on the alternatives system.
 */
async function firmwarePaths(root: string, rel: string): Promise<Result<string[], string>> {
  const out: string[] = [];
  const todo = parts(rel).reverse();
  let current: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const part = todo.pop() ?? '';
    if (part === '/') { current = []; continue; }
    if (part === '..') { current.pop(); continue; }
    current.push(part);
    const path = current.join('/');
    if ((await lstat(join(root, path)).catch(() => undefined))?.isSymbolicLink() !== true) continue;
    if (++links > 40) return err(`too many levels of symbolic links below /${rel}`);
    let target = await readlink(join(root, path));
    if (target === '/etc/alternatives' || target.startsWith('/etc/alternatives/')) {
      const resolved = resolveInImage(root, path);
      if (resolved === undefined) return err(`too many levels of symbolic links below /${rel}`);
      target = posix.relative(posix.dirname(`/${path}`), `/${resolved}`);
      await unlink(join(root, path));
      await symlink(target, join(root, path));
    }
    out.push(path);
    todo.push(...parts(target).reverse());
    current.pop();
  }
  if (await exists(join(root, ...current))) out.push(current.join('/'));
  return ok(out);
}

/** modinfo for some module names: records by dashed name, or why it failed. */
export type Modinfo = (names: readonly string[]) => Promise<Result<Map<string, ModuleInfo>, string>>;

/** modinfo inside the image, as mkosi runs it (`--modname` when this kmod has it). */
function modinfoInImage(ctx: TreeStepContext, kver: string, failed: { failure?: Failure }): Modinfo {
  let modname: boolean | undefined;
  const run = async (argv: string[]) => runInRoot({ mode: 'chroot', root: ctx.root, argv, network: false, env: NODE_ENV, signal: ctx.signal });
  return async (names) => {
    if (modname === undefined) {
      const help = await run(['modinfo', '--help']);
      modname = help.ok && help.value.stdout.includes('--modname');
    }
    const r = await run(['modinfo', '--set-version', kver, '--null', ...(modname ? ['--modname'] : []), ...names]);
    if (!r.ok) {
      failed.failure = toNodeFailure(ctx.node, r.error);
      return err('modinfo failed');
    }
    return ok(parseModinfo(r.value.stdout));
  };
}

async function isFileOrLink(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return false;
  if (st.isSymbolicLink()) return true;
  return st.isFile();
}

/** What the settings keep of one kernel: module files and firmware paths, relative to root (with firmware's parent directories). */
async function requiredPaths(ctx: TreeStepContext, kver: string, f: KernelModuleFilters, modules: readonly string[], modinfo: Modinfo): Promise<Result<Set<string>, string>> {
  const root = ctx.root;
  const modulesDir = `usr/lib/modules/${kver}`;
  const firmwareInstalled = (await readdir(join(root, FIRMWARE)).catch(() => [])).length > 0;
  let keptModules: string[] = [...modules];
  let needed = new Set<string>();
  if (f.modulesInclude.length > 0 || f.modulesExclude.length > 0 || firmwareInstalled) {
    const selected = selectKernelModules(modules, { include: f.modulesInclude, exclude: f.modulesExclude });
    if (!selected.ok) return selected;
    const builtinText = await readFile(join(root, modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
    const builtin = new Set(builtinText.split('\n').filter((l) => l !== '').map(modulePathToName));
    const byName = new Map(modules.map((m) => [modulePathToName(m), m] as const));
    const closure = await resolveDependencies({ selected: selected.value, builtin, installed: new Set(byName.keys()), modinfo });
    if (!closure.ok) return closure;
    // mkosi warns and goes on.
    for (const m of closure.value.missing) ctx.onOutput('stderr', `${m.dependency} is a dependency of ${m.module} but is not installed, ignoring\n`);
    keptModules = [...closure.value.modules].flatMap((n) => { const m = byName.get(n); return m === undefined ? [] : [m]; });
    needed = new Set((await Promise.all([...closure.value.firmware].map((v) => firmwareFiles(root, v)))).flat());
  }
  const all: string[] = [];
  for (const rel of await listTree(join(root, FIRMWARE))) if (await isFileOrLink(join(root, FIRMWARE, rel))) all.push(rel);
  const firmware = selectFirmware(needed, all, { include: f.firmwareInclude, exclude: f.firmwareExclude });
  if (!firmware.ok) return firmware;
  const required = new Set(keptModules.map((m) => `${modulesDir}/${m}`));
  for (const fw of [...firmware.value].sort()) {
    const paths = await firmwarePaths(root, `${FIRMWARE}/${fw}`);
    if (!paths.ok) return paths;
    for (const p of paths.value) {
      required.add(p);
      for (let dir = posix.dirname(p); dir.startsWith('usr/lib/'); dir = posix.dirname(dir)) required.add(dir);
    }
  }
  return ok(required);
}

async function listTree(dir: string): Promise<string[]> {
  return (await exists(dir)) ? walkTree(dir) : [];
}

export interface FilterKernelOptions {
  /** Default: modinfo run in the image (tests pass a fake). */
  readonly modinfo?: Modinfo;
}

/** Deletes the modules and firmware of kernel `kver` that the settings do not keep. */
export async function filterKernel(ctx: TreeStepContext, kver: string, f: KernelModuleFilters, o: FilterKernelOptions = {}): Promise<Result<null, Failure>> {
  const root = ctx.root;
  const fail = (message: string): Result<null, Failure> => err({
    code: 'NODE_FAILED', node: ctx.node, message: `kernel module filtering for ${kver}: ${message}`,
    hint: 'check KernelModules=, KernelModulesExclude=, FirmwareFiles= and FirmwareExclude= (regular expressions are matched as mkosi 27.1 matches them)',
  });
  const modulesDir = `usr/lib/modules/${kver}`;
  const modules = (await listTree(join(root, modulesDir))).filter((p) => isModuleFile(p.slice(p.lastIndexOf('/') + 1)));
  const failed: { failure?: Failure } = {};
  const required = await requiredPaths(ctx, kver, f, modules, o.modinfo ?? modinfoInImage(ctx, kver, failed));
  if (!required.ok) return failed.failure === undefined ? fail(required.error) : err(failed.failure);
  for (const m of modules.map((p) => `${modulesDir}/${p}`).sort(comparePathComponents).reverse()) {
    if (required.value.has(m)) continue;
    // Gone already when it was the target of a link deleted before it.
    const st = await lstat(join(root, m)).catch(() => undefined);
    if (st === undefined) continue;
    if (st.isSymbolicLink()) {
      const target = resolveInImage(root, m);
      if (target !== undefined && await exists(join(root, target))) await rm(join(root, target), { force: true });
      await unlink(join(root, m));
    } else if (st.isFile()) {
      await unlink(join(root, m));
    } else if (st.isDirectory()) {
      await rmdir(join(root, m));
    }
  }
  const firmwareDir = join(root, FIRMWARE);
  for (const rel of (await listTree(firmwareDir)).sort(comparePathComponents).reverse()) {
    const fw = `${FIRMWARE}/${rel}`;
    if (required.value.has(fw) || /^(amd|intel)-ucode(\/|$)/.test(rel)) continue;
    const path = join(root, fw);
    const st = await lstat(path).catch(() => undefined);
    if (st === undefined) continue;
    if (st.isSymbolicLink() || (await stat(path).catch(() => undefined))?.isFile() === true) {
      await unlink(path);
      const parent = posix.dirname(fw);
      if (parent !== FIRMWARE && (await readdir(join(root, parent))).length === 0) await rmdir(join(root, parent));
    } else if (st.isDirectory()) {
      const removed = await rmdir(path).then(() => true, () => false);
      if (!removed) return fail(`/${fw} is not kept but still holds files`);
    }
  }
  return ok(null);
}
