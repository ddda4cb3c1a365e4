import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every path below `root`, relative to it and `root` itself excluded, parents before their children,
 * without following symbolic links. Node 20's recursive readdir descends into symlinked directories,
 * even absolute ones that lead out of an image tree into the host's (var/run -> /run).
 */
export function walkTree(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      out.push(path);
      if (entry.isDirectory()) visit(path);
    }
  };
  visit('');
  return out;
}
