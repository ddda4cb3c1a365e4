import type { z } from 'zod';
import { CONFIG_SETTINGS, INCLUDE_SETTINGS } from './config-section.js';
import { CONTENT_SETTINGS } from './content-section.js';
import { DISTRIBUTION_SETTINGS } from './distribution-section.js';
import { OUTPUT_SETTINGS } from './output-section.js';
import { BUILD_SETTINGS } from './build-section.js';
import { RUNTIME_SETTINGS } from './runtime-section.js';
import type { Zod } from '../values/kind.js';
import type { SettingDef } from './types.js';
import { VALIDATION_SETTINGS } from './validation-section.js';

/** Every setting of mkosi 27, in mkosi's table order (default paths are applied in this order). */
export const SETTINGS = [
  ...INCLUDE_SETTINGS,
  ...CONFIG_SETTINGS,
  ...DISTRIBUTION_SETTINGS,
  ...OUTPUT_SETTINGS,
  ...CONTENT_SETTINGS,
  ...VALIDATION_SETTINGS,
  ...BUILD_SETTINGS,
  ...RUNTIME_SETTINGS,
] as const;

type AnySetting = (typeof SETTINGS)[number];
export type SettingName = AnySetting['name'];

type ValueOf<S> = S extends SettingDef<string, infer T> ? T : never;

/** One image's settings in the JSON form `summary --json` prints, keyed by setting name. */
export type SettingValues = { -readonly [S in AnySetting as S['name']]: ValueOf<S> };

const BY_NAME = new Map<string, SettingDef>();
const BY_COMPAT = new Map<string, SettingDef>();
for (const def of SETTINGS as readonly SettingDef[]) {
  BY_NAME.set(def.name, def);
  for (const compat of def.compatNames ?? []) BY_COMPAT.set(compat, def);
}

/** Looks a setting up by its name or one of its compat names. */
export function findSetting(name: string): { def: SettingDef; compat: boolean } | undefined {
  const def = BY_NAME.get(name);
  if (def) return { def, compat: false };
  const compat = BY_COMPAT.get(name);
  return compat ? { def: compat, compat: true } : undefined;
}

export function settingSchema(def: SettingDef, zod: Zod): z.ZodType {
  return def.kind.schema(zod);
}
