import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import type { ParseContext } from './parse-context.js';
import { storageKey } from './parse-context.js';
import type { ImageJson } from './types.js';

let printed: readonly (readonly [string, string])[] | undefined;

/** [JSON key, storage key] of every setting `summary --json` prints. */
function printedSettings(): readonly (readonly [string, string])[] {
  if (!printed) {
    const seen = new Map<string, string>();
    for (const def of SETTINGS as readonly SettingDef[]) {
      if (def.jsonKey === null) continue;
      seen.set(def.jsonKey ?? def.name, storageKey(def));
    }
    printed = [...seen.entries()];
  }
  return printed;
}

/** Expands delayed `&` specifiers of BuildKey/CacheKey-like values. */
export function expandDelayed(value: string, get: (key: string) => unknown, image: string): string {
  const table: Readonly<Record<string, () => unknown>> = {
    d: () => get('Distribution'), r: () => get('Release'), a: () => get('Architecture'),
    i: () => get('ImageId'), v: () => get('ImageVersion'), I: () => image,
  };
  return value.replace(/&(.)/g, (_whole, c: string) => {
    if (c === '&') return '&';
    const v = table[c]?.();
    return typeof v === 'string' ? v : '';
  });
}

/** One image's finalized config, as `summary --json` prints it. */
export function imageJson(ctx: ParseContext): ImageJson {
  const out: Record<string, unknown> = {};
  for (const [jsonKey, key] of printedSettings()) out[jsonKey] = ctx.get(key);
  out['Files'] = [...ctx.files];
  out['Image'] = ctx.image;
  const buildDirectory = out['BuildDirectory'];
  if (typeof buildDirectory === 'string') {
    const buildKey = ctx.get('BuildKey');
    const key = typeof buildKey === 'string' ? expandDelayed(buildKey, (k) => ctx.get(k), ctx.image) : '';
    out['BuildSubdirectory'] = key === '-' || key === '' ? buildDirectory : `${buildDirectory}/${key}`;
  }
  return out;
}
