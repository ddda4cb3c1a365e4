import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../settings/index.js';
import type { DefaultPath, SettingDef } from '../settings/types.js';
import { ValueError } from '../values/kind.js';
import { fnmatch } from '../../util/fnmatch.js';
import type { ParseContext } from './parse-context.js';

/** A directory listing read once: name → entry. */
export type Listing = ReadonlyMap<string, Dirent>;

export function listDirectory(dir: string): Listing {
  try {
    return new Map(readdirSync(dir, { withFileTypes: true }).map((e) => [e.name, e]));
  } catch {
    return new Map();
  }
}

/** Whether a listed entry is a directory, following a symlink; false for a missing entry. */
export function isDirectory(entry: Dirent | undefined, path: string): boolean {
  if (!entry) return false;
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Existing paths for one default-path entry (`mkosi.extra`, `mkosi.build.d/*`, `mkosi.uki-profiles/*.conf`). */
function candidates(dir: string, listing: Listing, spec: DefaultPath): string[] {
  const pattern = spec.path.replace(/\/+$/, '');
  const slash = pattern.indexOf('/');
  if (slash < 0) {
    const entry = listing.get(pattern);
    if (!entry) return [];
    if (spec.path.endsWith('/') && !isDirectory(entry, join(dir, pattern))) return [];
    return [join(dir, pattern)];
  }
  const head = pattern.slice(0, slash);
  const rest = pattern.slice(slash + 1);
  const entry = listing.get(head);
  if (!isDirectory(entry, join(dir, head))) return [];
  const sub = join(dir, head);
  return [...listDirectory(sub).keys()].filter((name) => fnmatch(name, rest)).sort().map((name) => join(sub, name));
}

function isExecutable(mode: number): boolean {
  return (mode & 0o111) !== 0;
}

/** The value a `contents` default path feeds: the file's text, or an executable's stdout, minus the final newline. */
async function contents(ctx: ParseContext, def: SettingDef, path: string): Promise<string> {
  const mode = statSync(path).mode;
  if (def.secret && (mode & 0o007) !== 0) {
    const octal = (mode & 0o7777).toString(8).padStart(4, '0');
    throw new ValueError(`Permissions of '${path}' of '${octal}' are too open.`, `restrict the file to its owner: chmod 600 ${path}`);
  }
  let text: string;
  if (isExecutable(mode)) {
    const { execa } = await import('execa');
    const result = await execa(path, [], { cwd: ctx.cwd, env: { ...ctx.host.env }, extendEnv: false, stdin: 'ignore', reject: false });
    if (result.exitCode !== 0) throw new ValueError(`${path} failed with exit status ${String(result.exitCode)}: ${result.stderr.trim()}`);
    text = result.stdout;
  } else {
    text = readFileSync(path, 'utf8');
    if (text.startsWith('#!')) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      throw new ValueError(`${name} starts with a shebang (${text.split('\n', 1)[0] ?? '#!'})`, `This file should be executable: chmod +x ${path}`);
    }
  }
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

let withPaths: readonly SettingDef[] | undefined;

/**
 * Feeds the default paths of `dir` (mkosi.extra/, mkosi.version, mkosi.build.d/*, …) to their settings,
 * in table order, before the directory's mkosi.conf. Settings not allowed in this image are skipped.
 */
export async function applyDefaultPaths(ctx: ParseContext, dir: string, listing: Listing): Promise<void> {
  if (listing.size === 0) return;
  withPaths ??= (SETTINGS as readonly SettingDef[]).filter((def) => def.paths && def.paths.length > 0);
  for (const def of withPaths) {
    if (ctx.forbidden(def) !== undefined) continue;
    for (const spec of def.paths ?? []) {
      for (const path of candidates(dir, listing, spec)) {
        const at = { kind: 'default-path', file: path } as const;
        try {
          const raw = spec.use === 'contents' ? await contents(ctx, def, path) : path;
          ctx.assign(def, raw, 'config', ctx.parseEnv());
        } catch (error) {
          if (!(error instanceof ValueError)) throw error;
          ctx.sink.error({ message: error.message, at, setting: def.name, ...(error.hint ? { hint: error.hint } : {}) });
        }
      }
    }
  }
}
