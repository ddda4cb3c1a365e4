// Copies skeleton and extra trees into an image root, and names input paths relative to the plan root.
import { mkdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Tree } from './image-settings.js';

/** `path` relative to `root` (posix); paths outside the root keep their `../` form. */
export function rootRelative(path: string, root: string): string {
  const rel = relative(root, path);
  return rel === '' ? '.' : rel;
}

export interface CopyTreesOptions {
  readonly trees: readonly Tree[];
  readonly root: string;
  /** Keep the source's ownership (tar archives always keep theirs). */
  readonly owner: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Each tree in order: a directory's contents are copied to `<root>/<target>` (modes and links kept,
 * owned by the builder unless `owner`), an archive is extracted there.
 */
export async function copyTrees(o: CopyTreesOptions): Promise<void> {
  const { execa } = await import('execa');
  for (const tree of o.trees) {
    const dest = join(o.root, tree.target);
    await mkdir(dest, { recursive: true });
    const st = await stat(tree.source);
    const opts = o.signal === undefined ? {} : { cancelSignal: o.signal };
    if (st.isDirectory()) {
      await execa('cp', ['-rT', '--no-dereference', `--preserve=mode,links,timestamps${o.owner ? ',ownership' : ''}`, tree.source, dest], opts);
    } else {
      await execa('tar', ['-x', '-f', tree.source, '-C', dest, '--keep-directory-symlink', '--numeric-owner'], opts);
    }
  }
}
