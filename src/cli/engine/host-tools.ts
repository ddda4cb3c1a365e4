import { access, constants, lstat, realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { StatCacheHasher } from '../../cache/stat-cache-hasher.js';
import type { ToolResolver } from '../../graph/inputs.js';

/**
 * Resolves host tools for keys: the first executable of that name on PATH, identified by its real path and
 * the SHA-256 of the binary (through the stat cache, so unchanged tools cost one stat). A tools tree, once
 * nodes run from one, enters keys as a dependency digest instead.
 */
export function hostToolResolver(options: { path: string | undefined; hasher: StatCacheHasher }): ToolResolver {
  const dirs = (options.path ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).filter((d) => d !== '');
  const memo = new Map<string, Promise<string | undefined>>();
  const resolveTool = async (name: string): Promise<string | undefined> => {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (!(await access(candidate, constants.X_OK).then(() => true, () => false))) continue;
      const real = await realpath(candidate);
      const digest = await options.hasher.digest(real, await lstat(real, { bigint: true }));
      return `${real}@sha256:${digest}`;
    }
    return undefined;
  };
  return (name) => {
    let found = memo.get(name);
    if (found === undefined) {
      found = resolveTool(name);
      memo.set(name, found);
    }
    return found;
  };
}
