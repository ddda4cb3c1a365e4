import { CONTENT_KERNEL_SETTINGS } from './content-kernel.js';
import { CONTENT_PACKAGE_SETTINGS } from './content-packages.js';
import { CONTENT_SCRIPT_SETTINGS } from './content-scripts.js';
import { CONTENT_SYSTEM_SETTINGS } from './content-system.js';

/** `[Content]` (mkosi 27.1 table order; the parts are consecutive runs of the table). */
export const CONTENT_SETTINGS = [
  ...CONTENT_PACKAGE_SETTINGS,
  ...CONTENT_SCRIPT_SETTINGS,
  ...CONTENT_KERNEL_SETTINGS,
  ...CONTENT_SYSTEM_SETTINGS,
] as const;
