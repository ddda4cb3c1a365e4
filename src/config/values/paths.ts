import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { z } from 'zod';
import { ValueError, type ParseEnv, type ValueKind, type Zod } from './kind.js';

/** Expands `$VAR`/`${VAR}` (unknown ones stay as written, like os.path.expandvars) and a leading `~`. */
export function expandPath(raw: string, env: ParseEnv): string {
  const vars = raw.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return env.env[key] ?? whole;
  });
  if (vars === '~' || vars.startsWith('~/')) return env.home + vars.slice(1);
  return vars;
}

/**
 * Makes `raw` absolute against `cwd` and resolves symlinks component by component, as far as the path
 * exists (Python's non-strict `Path.resolve()`: `/bin/sh` → `/usr/bin/dash`, `/bin/nonexist` →
 * `/usr/bin/nonexist`); `..` applies to the resolved prefix.
 */
export function resolvePath(cwd: string, raw: string): string {
  return resolveComponents('/', (isAbsolute(raw) ? raw : `${cwd}/${raw}`).split('/'), 0);
}

function resolveComponents(start: string, parts: readonly string[], depth: number): string {
  let current = start;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      return resolve(next, ...parts.slice(i + 1).filter((p) => p !== ''));
    }
    if (isLink && depth < 40) {
      const target = readlinkSync(next);
      current = resolveComponents(isAbsolute(target) ? '/' : current, target.split('/'), depth + 1);
    } else {
      current = next;
    }
  }
  return current;
}

export interface PathOptions {
  /** The path must exist when parsed (default true). */
  readonly required?: boolean;
  /** The file must not be accessible by others (mode & 0o007). */
  readonly secret?: boolean;
  /** The value must be absolute as written. */
  readonly absolute?: boolean;
  /** Literal words accepted instead of a path (e.g. ToolsTree=default). */
  readonly constants?: readonly string[];
}

/** Resolves one path value against the parse directory and checks it. */
export function parsePathValue(raw: string, env: ParseEnv, options: PathOptions = {}): string {
  if (options.constants?.includes(raw)) return raw;
  const expanded = expandPath(raw, env);
  if (options.absolute && !isAbsolute(expanded)) throw new ValueError(`'${raw}' must be an absolute path`);
  const path = resolvePath(env.cwd, expanded);
  const required = options.required ?? true;
  if (required || options.secret) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      if (!required) return path;
      throw new ValueError(`${path} does not exist`, 'relative paths are resolved against the directory of the config being parsed');
    }
    if (options.secret && (mode & 0o007) !== 0) {
      throw new ValueError(
        `Permissions of '${path}' of '${(mode & 0o7777).toString(8).padStart(4, '0')}' are too open.`,
        `secret files must not be accessible by others; restrict the file to its owner, e.g. chmod 600 ${path}`,
      );
    }
  }
  return path;
}

export function path(options: PathOptions = {}): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a path',
    ...(options.constants ? { choices: options.constants } : {}),
    parse: (raw, _old, env) => (raw === '' ? null : parsePathValue(raw, env, options)),
  };
}

/**
 * A key or certificate: a path when it exists, otherwise kept verbatim (a PKCS#11 URI, an engine key name).
 * `secret`: an existing file must not be accessible by others (private keys).
 */
export function keyPath(options: { readonly secret?: boolean } = {}): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a path or URI',
    parse(raw, _old, env) {
      if (raw === '') return null;
      const candidate = resolvePath(env.cwd, expandPath(raw, env));
      try {
        statSync(candidate);
      } catch {
        return raw;
      }
      return options.secret ? parsePathValue(candidate, env, { secret: true }) : candidate;
    },
  };
}

/**
 * Expands a glob pattern against the parse directory the way 27.1 does for script lists: Python `glob`
 * semantics (no hidden files for `*`, `**` is not recursive, no braces), matches sorted as written, then
 * each one resolved and checked like a plain path. A pattern without magic that does not exist matches
 * nothing (`CleanScripts=nonexist` is `[]`), while a dangling symlink still fails the existence check.
 * `~` and `$VAR` are not expanded.
 */
export function globPaths(raw: string, env: ParseEnv, options: PathOptions = {}): string[] {
  let matches: string[];
  if (!/[*?[]/.test(raw)) {
    matches = lexists(resolve(env.cwd, raw)) ? [raw] : [];
  } else {
    matches = globSync(raw, {
      cwd: env.cwd, absolute: isAbsolute(raw), dot: false, onlyFiles: false, expandDirectories: false,
      globstar: false, braceExpansion: false, extglob: false,
    }).map((match) => (match.length > 1 ? match.replace(/\/+$/, '') : match)).sort();
  }
  // A match is a path as written: `./` keeps a file literally named `~…` from being taken for the home directory.
  return matches.map((match) => parsePathValue(match.startsWith('~') ? `./${match}` : match, { ...env, env: {} }, options));
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export const treeSchema = (z: Zod) => z.object({ Source: z.string(), Target: z.string().nullable() });
export type Tree = z.infer<ReturnType<typeof treeSchema>>;

export interface TreeOptions extends PathOptions {
  /**
   * 'absolute': DST must be absolute (SkeletonTrees, ExtraTrees, SandboxTrees);
   * 'any': DST may be relative or absolute and is kept as written (BuildSources, RuntimeTrees).
   */
  readonly target: 'absolute' | 'any';
}

/**
 * Normalizes a path the way Python's `PurePosixPath` prints it: `.` components, repeated and trailing
 * slashes dropped, `..` kept, exactly two leading slashes kept, the empty path is `.`.
 */
export function purePath(raw: string): string {
  const prefix = raw.startsWith('//') && !raw.startsWith('///') ? '//' : raw.startsWith('/') ? '/' : '';
  const joined = prefix + raw.split('/').filter((part) => part !== '' && part !== '.').join('/');
  return joined === '' ? '.' : joined;
}

/** `SRC[:DST]`, split at the first colon; an empty DST is `.` (which fails the absolute check). */
export function parseTree(raw: string, env: ParseEnv, options: TreeOptions): Tree {
  const colon = raw.indexOf(':');
  const source = colon < 0 ? raw : raw.slice(0, colon);
  const target = colon < 0 ? null : raw.slice(colon + 1);
  if (target !== null && options.target === 'absolute' && !target.startsWith('/')) {
    throw new ValueError(`${target} must be an absolute path`, 'the target of a tree is a path inside the image or sandbox');
  }
  return { Source: parsePathValue(source, env, options), Target: target === null ? null : purePath(target) };
}

export const keySourceSchema = (z: Zod) => z.object({ Source: z.string(), Type: z.enum(['file', 'engine', 'provider']) });
export type KeySource = z.infer<ReturnType<typeof keySourceSchema>>;

/** `file`, `engine:NAME` or `provider:NAME` (certificates: no engine). */
export function keySource(options: { readonly engine: boolean }): ValueKind<KeySource> {
  const empty: KeySource = { Source: '', Type: 'file' };
  return {
    schema: keySourceSchema, collection: false, empty, expects: 'file, engine:NAME or provider:NAME',
    parse(raw) {
      if (raw === '') return empty;
      const colon = raw.indexOf(':');
      const type = colon < 0 ? raw : raw.slice(0, colon);
      const source = colon < 0 ? '' : raw.slice(colon + 1);
      if (type === 'file' || type === 'provider' || (type === 'engine' && options.engine)) return { Source: source, Type: type };
      throw new ValueError(`'${raw}' is not a valid ${options.engine ? 'key' : 'certificate'} source`, options.engine ? 'use file, engine:NAME or provider:NAME' : 'use file or provider:NAME');
    },
  };
}
