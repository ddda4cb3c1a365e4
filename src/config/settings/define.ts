import type { SettingDef } from './types.js';

/** Identity helper that keeps a setting's literal name and value type for the derived config type. */
export function setting<const N extends string, T>(def: SettingDef<N, T>): SettingDef<N, T> {
  return def;
}
