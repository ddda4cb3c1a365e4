import { lstat, lutimes, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lowers every mtime and atime newer than `epoch` (seconds) to it, never raising older ones, so
 * archives and digests of the tree do not depend on when it was built (SourceDateEpoch).
 */
export async function clampMtimes(root: string, epoch: number): Promise<void> {
  const limit = epoch * 1000;
  const clamp = async (path: string): Promise<void> => {
    const stat = await lstat(path);
    if (stat.mtimeMs > limit || stat.atimeMs > limit) {
      const at = new Date(Math.min(stat.atimeMs, limit));
      const mt = new Date(Math.min(stat.mtimeMs, limit));
      await lutimes(path, at, mt);
    }
  };
  const entries = await readdir(root, { recursive: true });
  // Children first, so clamping a directory is not undone by touching its entries afterwards.
  entries.sort((a, b) => b.length - a.length);
  for (const entry of entries) await clamp(join(root, entry));
  await clamp(root);
}
