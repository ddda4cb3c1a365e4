// The apt sources an image keeps for itself: when the image has apt, `/etc/apt/sources.list.d/<release>.sources`
// lists the distribution's default repositories (never the build's Mirror=, Snapshot= or LocalMirror=),
// unless the image already has that file (from a skeleton or extra tree, or a package).
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AptRepository } from '../../distro/types.js';
import { renderSources } from './apt-config.js';

export interface InstallImageSourcesOptions {
  readonly root: string;
  readonly release: string;
  /** The distribution's repositories for purpose `image`. */
  readonly repositories: readonly AptRepository[];
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Returns the path written, or undefined when the image has no apt or already has the file. */
export async function installImageSources(options: InstallImageSourcesOptions): Promise<string | undefined> {
  if (!(await exists(join(options.root, 'usr/bin/apt-get')))) return undefined;
  const dir = join(options.root, 'etc/apt/sources.list.d');
  const path = join(dir, `${options.release}.sources`);
  if (await exists(path)) return undefined;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(path, renderSources(options.repositories), { mode: 0o644 });
  return path;
}
