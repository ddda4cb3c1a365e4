// BaseTrees=: trees copied into the image root before anything else (mkosi's install_base_trees), with their
// ownership. A directory is copied, a tar archive (".tar" among the name's last two suffixes, so
// base.tar.zst too) is extracted, any other file is copied into / under its own name. Disk images (.raw)
// need systemd-dissect and root in mkosi: mkb refuses them.
import { mkdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { copyTrees } from '../trees.js';

export type BaseTreeForm = 'directory' | 'tar' | 'raw' | 'file';

/** The suffixes Python's `Path.suffixes` gives a file name: `a.tar.zst` → `['.tar', '.zst']`. */
export function suffixes(name: string): string[] {
  if (name.endsWith('.')) return [];
  return name.replace(/^\.+/, '').split('.').slice(1).map((s) => `.${s}`);
}

/** How mkosi 27.1 installs a base tree of this name (install_tree with no target). */
export function baseTreeForm(name: string, isDirectory: boolean): BaseTreeForm {
  if (isDirectory) return 'directory';
  const s = suffixes(name);
  if (s.slice(-2).includes('.tar')) return 'tar';
  if (s.at(-1) === '.raw') return 'raw';
  return 'file';
}

export interface CopyBaseTreesOptions {
  /** BaseTrees= sources, absolute, in order: later trees overwrite earlier ones. */
  readonly sources: readonly string[];
  readonly root: string;
  readonly signal?: AbortSignal;
}

/** Copies each base tree into `root`; returns the sources mkb cannot install (disk images), or none. */
export async function copyBaseTrees(o: CopyBaseTreesOptions): Promise<readonly string[]> {
  const forms = await Promise.all(o.sources.map(async (source) => ({ source, form: baseTreeForm(basename(source), (await stat(source)).isDirectory()) })));
  const raw = forms.filter((f) => f.form === 'raw').map((f) => f.source);
  if (raw.length > 0) return raw;
  const opts = o.signal === undefined ? {} : { cancelSignal: o.signal };
  const { execa } = await import('execa');
  await mkdir(o.root, { recursive: true });
  for (const { source, form } of forms) {
    if (form === 'file') {
      await execa('cp', ['--no-dereference', '--preserve=mode,links,timestamps,ownership', source, `${o.root}/`], opts);
    } else {
      // A directory keeps its ownership, as mkosi copies base trees with preserve=True; a tar archive always keeps its.
      await copyTrees({ trees: [{ source, target: '/' }], root: o.root, owner: true, ...(o.signal === undefined ? {} : { signal: o.signal }) });
    }
  }
  return [];
}
