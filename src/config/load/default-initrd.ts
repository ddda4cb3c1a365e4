import { join } from 'node:path';
import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import { imageJson } from './image-json.js';
import type { ImageLoadEnv, LoadedImage } from './images.js';
import { ParseContext } from './parse-context.js';
import { seedFromMain, subimageForbidden, transfer } from './pass-down.js';
import { lookupStorage } from './storage.js';
import { parseExtraConfig } from './tools-tree.js';

const DEFAULT_INITRD = 'default-initrd';

function initrdsOf(image: LoadedImage): readonly string[] {
  const value = image.ctx.get('Initrds');
  return Array.isArray(value) ? (value as string[]) : [];
}

/**
 * The default initrd: when any image lists `default` in Initrds, an image `default-initrd` is built from
 * the main image's universal/multiversal and inherit/initrd-inherit settings (all forced), its
 * `Initrd*` settings (unprefixed), `mkosi.initrd.conf` and mkb's builtin `mkosi-initrd`. It is inserted
 * before main; `default` becomes its output path and it is added to those images' Dependencies.
 */
export async function addDefaultInitrd(env: ImageLoadEnv & { readonly images: LoadedImage[] }): Promise<void> {
  if (!lookupStorage('Initrds')) return;
  const users = env.images.filter((image) => initrdsOf(image).includes('default'));
  if (users.length === 0) return;
  const { main } = env;
  const ctx = new ParseContext({
    image: DEFAULT_INITRD, host: env.options.host, sink: env.sink, lookup: lookupStorage, forbidden: subimageForbidden, cwd: env.configdir,
  });
  // 27.1 forces main's inherit and initrd-inherit values on the initrd (even unset ones): mkosi.initrd.conf cannot override them.
  seedFromMain(ctx, main, { forced: new Set(['universal', 'multiversal']), forcedAlways: new Set(['inherit', 'initrd-inherit']), inherited: new Set() });
  for (const def of SETTINGS as readonly SettingDef[]) {
    if (def.scope === 'initrd' && def.initrdTarget) transfer(main, def.name, ctx, def.initrdTarget);
  }
  await parseExtraConfig(env, ctx, 'mkosi.initrd.conf');
  await env.parser.parseDirectory(ctx, env.parser.builtinPath('mkosi-initrd'), { profiles: true, local: false });
  const outputDirectory = ctx.get('OutputDirectory');
  const output = ctx.get('Output');
  const path = join(typeof outputDirectory === 'string' ? outputDirectory : env.configdir, typeof output === 'string' ? output : 'initrd');
  for (const image of users) {
    const json = { ...imageJson(image.ctx) };
    json['Initrds'] = initrdsOf(image).map((i) => (i === 'default' ? path : i));
    json['Dependencies'] = [...((json['Dependencies'] ?? []) as string[]), DEFAULT_INITRD];
    image.json = json;
    image.ctx.seed('Dependencies', json['Dependencies'], 'cli');
  }
  env.images.splice(env.images.length - 1, 0, { name: DEFAULT_INITRD, ctx });
}
