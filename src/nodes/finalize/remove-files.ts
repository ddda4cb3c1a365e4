import { rm } from 'node:fs/promises';
import { globSync } from 'tinyglobby';

/** RemoveFiles=: glob patterns relative to the image root (a leading `/` is ignored), `**` included. */
export async function removeFiles(root: string, patterns: readonly string[]): Promise<string[]> {
  if (patterns.length === 0) return [];
  const matches = globSync(patterns.map((pattern) => pattern.replace(/^\/+/, '')), {
    cwd: root, dot: true, onlyFiles: false, expandDirectories: false, followSymbolicLinks: false,
  }).sort();
  for (const match of matches) await rm(`${root}/${match}`, { recursive: true, force: true });
  return matches;
}
