import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import { storageKey } from './parse-context.js';

let byStorage: Map<string, SettingDef> | undefined;

/** The setting owning a storage key (for settings sharing storage, the one whose name it is). */
export function lookupStorage(key: string): SettingDef | undefined {
  if (!byStorage) {
    byStorage = new Map();
    for (const def of SETTINGS as readonly SettingDef[]) {
      const storage = storageKey(def);
      if (!byStorage.has(storage) || def.name === storage) byStorage.set(storage, def);
    }
  }
  return byStorage.get(key);
}

/** Every storage key, in table order. */
export function storageKeys(): readonly string[] {
  lookupStorage('');
  return [...(byStorage ?? new Map<string, SettingDef>()).keys()];
}
