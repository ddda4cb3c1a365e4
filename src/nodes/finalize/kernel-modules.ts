// mkosi 27.1's kernel module and firmware selection (KernelModules=, FirmwareFiles= and the deprecated regex
// forms), as pure functions over path lists: which modules are kept, which modules and firmware they need,
// which firmware files the settings add or drop. kernel-module-filter.ts applies the result to a tree.
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import { fnmatch } from '../../util/fnmatch.js';

/** Kernel module files: `*.ko`, optionally compressed with gzip, xz or zstd. */
export function isModuleFile(name: string): boolean {
  return /\.ko(\.(gz|xz|zst))?$/.test(name);
}

/** Module names are compared with dashes: file names use them, `modinfo` prints underscores. */
export function normalizeModuleName(name: string): string {
  return name.replaceAll('_', '-');
}

/** Dashes for underscores in a glob, except inside `[…]`. */
export function normalizeModuleGlob(glob: string): string {
  return glob.replace(/([^[]*)(\[[^\]]*\]?)?/g, (_m, plain: string, set: string | undefined) => plain.replaceAll('_', '-') + (set ?? ''));
}

/** `kernel/fs/ext4/ext4.ko.xz` → `ext4`; `…/nf_tables.ko` → `nf-tables`. */
export function modulePathToName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return normalizeModuleName(dot === -1 ? base : base.slice(0, dot));
}

/**
 * Whether a path (relative to the kernel's module directory, or to /usr/lib/firmware) is selected by an
 * ordered glob list: the last matching glob decides, a `-` prefix excludes, a trailing `/` matches the
 * whole subtree. A glob with a leading `/` is tried below `kernel/` first, then from the top; a glob
 * with a `/` elsewhere matches a tail of the path at a component boundary; any glob matches the basename.
 */
export function globsMatchFilename(name: string, globs: readonly string[], matchDefault = false): boolean {
  for (let i = globs.length - 1; i >= 0; i--) {
    let glob = globs[i] ?? '';
    const negative = glob.startsWith('-');
    if (negative) glob = glob.slice(1);
    if (glob.endsWith('/')) glob += '*';
    const matched = (glob.startsWith('/') && fnmatch(`/${name}`, `/kernel${glob}`))
      || (glob.startsWith('/') && fnmatch(`/${name}`, glob))
      || (glob.includes('/') && fnmatch(`/${name}`, `*/${glob}`))
      || fnmatch(name.slice(name.lastIndexOf('/') + 1), glob);
    if (matched) return !negative;
  }
  return matchDefault;
}

/** globsMatchFilename without the `.ko` and compression suffixes. */
export function globsMatchModule(name: string, globs: readonly string[]): boolean {
  return globsMatchFilename(name.replace(/\.ko(\.(gz|xz|zst))?$/, ''), globs);
}

/** globsMatchFilename without a compression suffix. */
export function globsMatchFirmware(name: string, globs: readonly string[], matchDefault = false): boolean {
  return globsMatchFilename(name.replace(/\.(gz|xz|zst)$/, ''), globs, matchDefault);
}

export const REGEX_PREFIX = 're:';

/**
 * What is wrong with a list that holds regular expressions only (KernelModulesExclude=, FirmwareExclude=):
 * `default` and `host` are kept bare there, and mean nothing (mkosi 27.1 fails on them too).
 */
export function regexOnlyProblem(setting: string, items: readonly string[]): string | undefined {
  const special = items.filter((p) => !p.startsWith(REGEX_PREFIX));
  if (special.length === 0) return undefined;
  return `${setting}=${special.join(',')}: \`default\` and \`host\` are only special in KernelModules= and KernelModulesInclude=; here they mean nothing (mkosi 27.1 fails on them too)`;
}

/** One regular expression of the `re:` items (Python syntax; JavaScript's is the same for what these use), or the bad one. */
export function compileRegexItems(items: readonly string[], setting: string): Result<RegExp | undefined, string> {
  const patterns = items.filter((p) => p.startsWith(REGEX_PREFIX)).map((p) => p.slice(REGEX_PREFIX.length));
  if (patterns.length === 0) return ok(undefined);
  for (const p of patterns) {
    try {
      new RegExp(p);
    } catch (e) {
      return err(`${setting}=${p} is not a valid regular expression (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return ok(new RegExp(patterns.join('|')));
}

export interface ModuleSelection {
  /** KernelModules= (globs and `re:` regexes, `default` and `host` already expanded). */
  readonly include: readonly string[];
  /** KernelModulesExclude= (`re:` regexes only). */
  readonly exclude: readonly string[];
}

/** The part of a path the old regexes see: below the kernel directory's first level (`kernel/`, `updates/`, …). */
function legacyPath(rel: string): string {
  const slash = rel.indexOf('/');
  return slash === -1 ? '.' : rel.slice(slash + 1);
}

/**
 * The names of the modules selected by the settings (before dependencies), sorted. `modules` are the
 * module files relative to `/usr/lib/modules/<kver>`. With an include list and no exclude list only the
 * included modules stay; with an exclude list every module stays except the excluded ones that are not
 * also included; with neither, all of them.
 */
export function selectKernelModules(modules: readonly string[], selection: ModuleSelection): Result<string[], string> {
  const include = compileRegexItems(selection.include, 'KernelModulesInclude');
  if (!include.ok) return include;
  const exclude = compileRegexItems(selection.exclude, 'KernelModulesExclude');
  if (!exclude.ok) return exclude;
  const globs = selection.include.filter((p) => !p.startsWith(REGEX_PREFIX)).map(normalizeModuleGlob);
  const keep = new Set<string>();
  if (selection.include.length > 0) {
    for (const rel of modules) {
      if (include.value?.test(legacyPath(rel)) === true || globsMatchModule(normalizeModuleName(rel), globs)) keep.add(rel);
    }
  }
  let selected: readonly string[] = modules;
  if (selection.exclude.length > 0) {
    selected = modules.filter((rel) => keep.has(rel) || exclude.value?.test(legacyPath(rel)) !== true);
  } else if (selection.include.length > 0) {
    selected = [...keep];
  }
  return ok([...new Set(selected.map(modulePathToName))].sort());
}

export interface ModuleInfo {
  /** Modules it depends on (`depends:` and `softdep:`), dashed. */
  readonly modules: ReadonlySet<string>;
  /** Its `firmware:` values, as modinfo prints them (relative to /usr/lib/firmware, may hold globs). */
  readonly firmware: readonly string[];
}

/**
 * `modinfo --null` output, read as mkosi reads it: fields accumulate until a module's `name:` field,
 * which closes that module's record.
 */
export function parseModinfo(output: string): Map<string, ModuleInfo> {
  const out = new Map<string, ModuleInfo>();
  let depends = new Set<string>();
  let firmware: string[] = [];
  for (const field of output.trim().split('\0')) {
    let sep = field.indexOf(':');
    if (sep === -1) sep = field.indexOf('=');
    if (sep === -1) continue;
    const key = field.slice(0, sep);
    const value = field.slice(sep + 1).trim();
    if (key === 'depends') {
      for (const d of value.split(',')) if (d !== '') depends.add(normalizeModuleName(d));
    } else if (key === 'softdep') {
      // `pre: a b post: c`: the words ending in a colon are not modules.
      for (const d of value.split(/\s+/)) if (d !== '' && !d.endsWith(':')) depends.add(normalizeModuleName(d));
    } else if (key === 'firmware') {
      firmware.push(value);
    } else if (key === 'name') {
      out.set(normalizeModuleName(value), { modules: depends, firmware });
      depends = new Set();
      firmware = [];
    }
  }
  return out;
}

export interface DependencyClosure {
  /** Module names reached (the builtin ones included). */
  readonly modules: ReadonlySet<string>;
  /** Every `firmware:` value of those modules. */
  readonly firmware: ReadonlySet<string>;
  /** Dependencies that are neither installed nor builtin (mkosi warns and goes on). */
  readonly missing: readonly { readonly module: string; readonly dependency: string }[];
}

export interface ClosureOptions {
  readonly selected: readonly string[];
  readonly builtin: ReadonlySet<string>;
  /** Installed module names. */
  readonly installed: ReadonlySet<string>;
  /** modinfo of some modules (names in, records by dashed name out). */
  readonly modinfo: (names: readonly string[]) => Promise<Result<Map<string, ModuleInfo>, string>>;
}

/** Names per modinfo call: well below the kernel's argument limit. */
const CHUNK = 8500;

/**
 * The modules and firmware the selected and builtin modules need, following `depends:` and `softdep:`
 * through installed modules only, in rounds of modinfo calls.
 */
export async function resolveDependencies(o: ClosureOptions): Promise<Result<DependencyClosure, string>> {
  let todo = [...new Set([...o.builtin, ...o.selected])].sort();
  const modules = new Set<string>();
  const firmware = new Set<string>();
  const missing: { module: string; dependency: string }[] = [];
  while (todo.length > 0) {
    const info = new Map<string, ModuleInfo>();
    for (let i = 0; i < todo.length; i += CHUNK) {
      const r = await o.modinfo(todo.slice(i, i + CHUNK));
      if (!r.ok) return r;
      for (const [name, record] of r.value) info.set(name, record);
    }
    for (const name of info.keys()) modules.add(name);
    const next = new Set<string>();
    for (const [name, record] of info) {
      for (const d of record.modules) {
        if (!o.installed.has(d) && !o.builtin.has(d)) missing.push({ module: name, dependency: d });
        if (!modules.has(d) && o.installed.has(d)) next.add(d);
      }
      for (const f of record.firmware) firmware.add(f);
    }
    todo = [...next].sort();
  }
  return ok({ modules, firmware, missing });
}

export interface FirmwareSelection {
  /** FirmwareFiles= (globs and `re:` regexes). */
  readonly include: readonly string[];
  /** FirmwareExclude= (`re:` regexes only). */
  readonly exclude: readonly string[];
}

/**
 * The firmware kept (paths relative to /usr/lib/firmware): what the modules need, less what an exclude
 * regex or a negative glob drops, plus every file (or symlink) an include regex or glob names.
 */
export function selectFirmware(needed: ReadonlySet<string>, all: readonly string[], selection: FirmwareSelection): Result<Set<string>, string> {
  const include = compileRegexItems(selection.include, 'FirmwareInclude');
  if (!include.ok) return include;
  const exclude = compileRegexItems(selection.exclude, 'FirmwareExclude');
  if (!exclude.ok) return exclude;
  const globs = selection.include.filter((p) => !p.startsWith(REGEX_PREFIX));
  const kept = new Set(needed);
  if (selection.exclude.length > 0 || globs.length > 0) {
    for (const f of needed) {
      if (exclude.value?.test(f) === true || !globsMatchFirmware(f, globs, true)) kept.delete(f);
    }
  }
  if (selection.include.length > 0) {
    for (const f of all) if (include.value?.test(f) === true || globsMatchFirmware(f, globs)) kept.add(f);
  }
  return ok(kept);
}

export interface KernelModuleSources {
  /** The host's loaded modules (/proc/modules), dashed; undefined when unknown. */
  readonly loaded: readonly string[] | undefined;
  /** mkosi-initrd's KernelModules= for the image's architecture; undefined when unknown. */
  readonly initrd: readonly string[] | undefined;
}

/** Whether KernelModules= (with KernelModulesIncludeHost=) needs the host's modules or the default initrd's list. */
export function kernelModuleNeeds(include: readonly string[], includeHost: boolean): { host: boolean; initrd: boolean } {
  return { host: includeHost || include.includes('host'), initrd: include.includes('default') };
}

/**
 * KernelModules= as mkosi 27.1 applies it: the host's loaded modules first with KernelModulesIncludeHost=,
 * `default` replaced by mkosi-initrd's list, `host` by the loaded modules (once), duplicates dropped
 * (the first occurrence keeps its place).
 */
export function expandKernelModules(include: readonly string[], includeHost: boolean, sources: KernelModuleSources): Result<string[], string> {
  const out: string[] = [];
  let hostIncluded = false;
  const host = (): string | undefined => {
    if (sources.loaded === undefined) return 'the host\'s loaded modules (/proc/modules) are not readable';
    out.push(...sources.loaded);
    hostIncluded = true;
    return undefined;
  };
  if (includeHost) {
    const e = host();
    if (e !== undefined) return err(e);
  }
  for (const p of include) {
    if (p === 'default') {
      if (sources.initrd === undefined) return err('the default initrd\'s KernelModules= list is not known');
      out.push(...sources.initrd);
    } else if (p === 'host') {
      if (hostIncluded) continue;
      const e = host();
      if (e !== undefined) return err(e);
    } else {
      out.push(p);
    }
  }
  return ok([...new Set(out)]);
}

/** `/proc/modules` → module names, dashed (loaded modules are listed with underscores). */
export function parseLoadedModules(text: string): string[] {
  return text.split('\n').map((l) => l.split(/\s+/)[0] ?? '').filter((n) => n !== '').map(normalizeModuleName);
}
