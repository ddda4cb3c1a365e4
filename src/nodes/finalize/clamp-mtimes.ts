import { lstatSync, lutimesSync } from 'node:fs';
import { join } from 'node:path';
import { walkTree } from '../../util/walk-tree.js';

/**
 * Lowers every mtime and atime newer than `epoch` (seconds) to it, never raising older ones, so
 * archives and digests of the tree do not depend on when it was built (SourceDateEpoch). Synchronous
 * calls: a tree has tens of thousands of entries, and a thread-pool round trip costs more than each call.
 */
export async function clampMtimes(root: string, epoch: number): Promise<void> {
  const limit = epoch * 1000;
  const clamp = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.mtimeMs > limit || stat.atimeMs > limit) {
      const at = new Date(Math.min(stat.atimeMs, limit));
      const mt = new Date(Math.min(stat.mtimeMs, limit));
      lutimesSync(path, at, mt);
    }
  };
  const entries = walkTree(root);
  // Children first, so clamping a directory is not undone by touching its entries afterwards.
  entries.sort((a, b) => b.length - a.length);
  for (const entry of entries) clamp(join(root, entry));
  clamp(root);
  return Promise.resolve();
}
