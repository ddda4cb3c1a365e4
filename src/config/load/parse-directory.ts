import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceLocation } from '../diagnostics.js';
import { BUILTIN_INCLUDES } from '../settings/config-section.js';
import { ValueError } from '../values/kind.js';
import { parsePathValue } from '../values/paths.js';
import { applyDefaultPaths, isDirectory, listDirectory } from './default-paths.js';
import type { ParseContext } from './parse-context.js';
import { fileMatches, IniCache, parseConfigFile, readSections } from './parse-file.js';

export interface DirectoryOptions {
  /** Parse `mkosi.profiles/<p>` for the profiles known after mkosi.conf.d/. */
  readonly profiles: boolean;
  /** Parse `mkosi.local/` and `mkosi.local.conf`, promoting their values to the command-line namespace. */
  readonly local: boolean;
}

/**
 * Parses config directories, files and includes in mkosi's order (mkosi-reference §1.4): the match gate
 * of mkosi.conf, local config, default paths, mkosi.conf, mkosi.conf.d/, profiles.
 */
export class ConfigParser {
  readonly cache = new IniCache();
  readonly #resourcesDir: string;
  readonly #onInclude = (ctx: ParseContext, value: string, at: SourceLocation): Promise<void> => this.include(ctx, value, at);

  constructor(options: { readonly resourcesDir: string }) {
    this.#resourcesDir = options.resourcesDir;
  }

  builtinPath(name: string): string {
    return join(this.#resourcesDir, name);
  }

  /** Parses one config file (cwd unchanged); false when its [Match] sections do not hold. */
  parseFile(ctx: ParseContext, path: string): Promise<boolean> {
    return parseConfigFile(ctx, path, { cache: this.cache, onInclude: this.#onInclude });
  }

  /** Parses a config directory with `dir` as mkosi's working directory; false when its mkosi.conf does not match. */
  async parseDirectory(ctx: ParseContext, dir: string, options: DirectoryOptions): Promise<boolean> {
    const savedCwd = ctx.cwd;
    ctx.cwd = dir;
    try {
      return await this.#parseDirectory(ctx, dir, options);
    } finally {
      ctx.cwd = savedCwd;
    }
  }

  async #parseDirectory(ctx: ParseContext, dir: string, options: DirectoryOptions): Promise<boolean> {
    const listing = listDirectory(dir);
    const conf = join(dir, 'mkosi.conf');
    const hasConf = listing.get('mkosi.conf')?.isDirectory() === false;
    if (hasConf) {
      const sections = readSections(ctx, this.cache, conf);
      if (!sections) return false;
      if (!(await fileMatches(ctx, sections, conf))) return false;
    }
    if (options.local) {
      if (isDirectory(listing.get('mkosi.local'), join(dir, 'mkosi.local'))) {
        await this.parseDirectory(ctx, join(dir, 'mkosi.local'), { profiles: false, local: false });
        ctx.promote();
      }
      if (listing.has('mkosi.local.conf')) {
        await this.parseFile(ctx, join(dir, 'mkosi.local.conf'));
        ctx.promote();
      }
    }
    await applyDefaultPaths(ctx, dir, listing);
    if (hasConf) await parseConfigFile(ctx, conf, { cache: this.cache, onInclude: this.#onInclude, matched: true });
    if (isDirectory(listing.get('mkosi.conf.d'), join(dir, 'mkosi.conf.d'))) await this.#parseDropIns(ctx, join(dir, 'mkosi.conf.d'));
    if (options.profiles && isDirectory(listing.get('mkosi.profiles'), join(dir, 'mkosi.profiles'))) {
      await this.#parseProfiles(ctx, join(dir, 'mkosi.profiles'));
    }
    return true;
  }

  async #parseDropIns(ctx: ParseContext, dropIns: string): Promise<void> {
    const entries = [...listDirectory(dropIns).values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dropIns, entry.name);
      if (isDirectory(entry, path)) await this.parseDirectory(ctx, path, { profiles: false, local: false });
      else if (entry.name.endsWith('.conf')) await this.parseFile(ctx, path);
    }
  }

  async #parseProfiles(ctx: ParseContext, profilesDir: string): Promise<void> {
    const listing = listDirectory(profilesDir);
    const profiles = ctx.get('Profiles');
    for (const profile of Array.isArray(profiles) ? (profiles as string[]) : []) {
      const dir = join(profilesDir, profile);
      if (isDirectory(listing.get(profile), dir)) await this.parseDirectory(ctx, dir, { profiles: false, local: false });
      if (listing.has(`${profile}.conf`)) await this.parseFile(ctx, `${dir}.conf`);
    }
  }

  /** `Include=`/`-I`: a builtin name, a directory (parsed as a config directory) or a file; each parsed once. */
  async include(ctx: ParseContext, value: string, at: SourceLocation): Promise<void> {
    let path: string;
    try {
      path = (BUILTIN_INCLUDES as readonly string[]).includes(value)
        ? this.builtinPath(value)
        : parsePathValue(value, ctx.parseEnv());
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      const reserved = /^(mkosi|contrib)-/.test(value);
      ctx.sink.error({
        message: reserved ? `${value} does not exist` : error.message, at, setting: 'Include', text: `Include=${value}`,
        hint: reserved ? `builtin configurations are ${BUILTIN_INCLUDES.join(', ')}` : (error.hint ?? ''),
      });
      return;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch {
      ctx.sink.error({ message: `${value} does not exist`, at, setting: 'Include', text: `Include=${value}` });
      return;
    }
    const id = `${String(stat.dev)}:${String(stat.ino)}`;
    if (ctx.includesSeen.has(id)) return;
    ctx.includesSeen.add(id);
    if (stat.isDirectory()) await this.parseDirectory(ctx, path, { profiles: true, local: false });
    else await this.parseFile(ctx, path);
  }
}
