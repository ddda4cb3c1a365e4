import { rm } from 'node:fs/promises';
import { pathlibGlob } from '../../util/pathlib-glob.js';

/**
 * RemoveFiles=: patterns relative to the image root (a leading `/` is ignored), matched as mkosi matches
 * them (pathlib's glob: `**`, dotfiles, and symlinks, dangling ones too).
 */
export async function removeFiles(root: string, patterns: readonly string[]): Promise<string[]> {
  const matches = [...new Set(patterns.flatMap((pattern) => pathlibGlob(root, pattern.replace(/^\/+/, ''))))].sort();
  for (const match of matches) await rm(`${root}/${match}`, { recursive: true, force: true });
  return matches;
}
