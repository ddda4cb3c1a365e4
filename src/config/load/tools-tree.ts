import { join } from 'node:path';
import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import type { ImageLoadEnv } from './images.js';
import { listDirectory } from './default-paths.js';
import { ParseContext } from './parse-context.js';
import { seedFromMain, toolsForbidden, transfer } from './pass-down.js';
import { lookupStorage } from './storage.js';

/** Whether the main image asks for the default tools tree (`ToolsTree=yes`, compat `default`). */
export function wantsDefaultToolsTree(main: ParseContext): boolean {
  const value = main.get('ToolsTree');
  return value === 'default' || value === 'yes';
}

/** Parses `mkosi.tools.conf` (a file, or a directory with its own profiles and local config). */
export async function parseExtraConfig(env: ImageLoadEnv, ctx: ParseContext, name: string): Promise<void> {
  const entry = listDirectory(env.configdir).get(name);
  if (!entry) return;
  const path = join(env.configdir, name);
  if (entry.isDirectory()) await env.parser.parseDirectory(ctx, path, { profiles: true, local: true });
  else await env.parser.parseFile(ctx, path);
}

/**
 * The default tools tree (`ToolsTree=yes`): a `tools` image built from the main image's multiversal
 * settings, its `ToolsTree*` settings (unprefixed), `mkosi.tools.conf` and mkb's builtin `mkosi-tools`.
 * Sets the main image's ToolsTree to the tree's output path. Returns null when no tools tree is wanted.
 */
export async function loadToolsTree(env: ImageLoadEnv): Promise<ParseContext | null> {
  const { main } = env;
  if (!lookupStorage('ToolsTree') || !wantsDefaultToolsTree(main)) return null;
  const ctx = new ParseContext({
    image: 'tools', host: env.options.host, sink: env.sink, lookup: lookupStorage, forbidden: toolsForbidden, cwd: env.configdir,
  });
  seedFromMain(ctx, main, { forced: new Set(['multiversal']), inherited: new Set() });
  for (const def of SETTINGS as readonly SettingDef[]) {
    if (def.scope === 'tools' && def.toolsTarget) transfer(main, def.name, ctx, def.toolsTarget);
  }
  ctx.seed('Format', 'directory', 'cli');
  ctx.seed('Output', 'mkosi.tools', 'cli');
  await parseExtraConfig(env, ctx, 'mkosi.tools.conf');
  await env.parser.parseDirectory(ctx, env.parser.builtinPath('mkosi-tools'), { profiles: true, local: false });
  const outputDirectory = ctx.get('OutputDirectory');
  const output = ctx.get('Output');
  const path = join(typeof outputDirectory === 'string' ? outputDirectory : env.configdir, typeof output === 'string' ? output : 'mkosi.tools');
  main.seed('ToolsTree', path, 'cli');
  return ctx;
}
