import { GLOBAL_OPTIONS } from './global-options.js';
import type { OptionSpec } from './option-spec.js';
import { settingOptionSpecs } from './setting-options.js';

/** Every option of the CLI: the global ones, then each setting's (derived from the settings table). */
export function allOptionSpecs(): readonly OptionSpec[] {
  return [...GLOBAL_OPTIONS, ...settingOptionSpecs()];
}
