// Small helpers shared by the image node kinds.
import { lstat } from 'node:fs/promises';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import { toolEnvironment } from '../packages/run-tool.js';
import type { Environment } from '../packages/run-tool.js';

/**
 * The environment image kinds run tools with: a fixed locale and the default search path. Nothing of the
 * caller's environment leaks into a node (its output must depend only on its key).
 */
export const NODE_ENV: Environment = toolEnvironment({});

/** Whether anything, even a dangling symlink, is at path. */
export async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/** A plan-file parameter check: an object carrying the named keys. */
export function objectParams<P>(raw: unknown, keys: readonly string[]): Result<P, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return err('params must be an object');
  for (const k of keys) if (!(k in raw)) return err(`params.${k} is missing`);
  return ok(raw as P);
}
