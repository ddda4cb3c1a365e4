// Where downloaded packages are shared between builds, and whether a build may add to it. Both are
// host-local settings (never in a key): they decide where files come from, and every file is checked
// against the lock's sha256, so they can make a build fail but never change what it produces.
import type { NodeSpec } from '../../types.js';
import { str } from '../image-settings.js';

/** PackageCacheDirectory=, as the planner resolved it. */
export const packageCache = (spec: NodeSpec): string => str(spec.settings, 'PackageCacheDirectory') ?? '/var/cache/mkb/packages';

/** CacheOnly=always: install only from the package cache, never download. */
export const packagesFromCacheOnly = (spec: NodeSpec): boolean => str(spec.settings, 'CacheOnly') === 'always';
