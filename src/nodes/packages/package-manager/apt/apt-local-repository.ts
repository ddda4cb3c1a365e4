// PackageDirectories=: a flat local repository built with apt-ftparchive, added to a metadata snapshot
// as a trusted source pinned above the archive (local builds win over archive packages).
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { PackageFailure } from '../../package-failure.js';
import { runTool } from '../../run-tool.js';
import { metadataEtc } from './apt-run.js';
import { prepareApt, runApt } from './apt-run.js';
import type { AptContext } from './apt-run.js';

export interface AddLocalRepositoryOptions extends Omit<AptContext, 'archives'> {
  /** Directories holding `.deb` files (PackageDirectories=, the build's $PACKAGEDIR). */
  readonly directories: readonly string[];
  /** Where the repository is created (its Packages index and the package files). */
  readonly repository: string;
}

export const LOCAL_SOURCES = 'mkb-local.sources';

export function renderLocalSources(repository: string): string {
  return `Enabled: yes\nTypes: deb\nURIs: file://${resolve(repository)}\nSuites: ./\nTrusted: yes\n`;
}

export const LOCAL_PREFERENCES = 'Package: *\nPin: origin ""\nPin-Priority: 1100\n';

/** Copies the packages, indexes them and refreshes only the local source in the snapshot. Returns the package count. */
export async function addLocalRepository(options: AddLocalRepositoryOptions): Promise<Result<number, PackageFailure>> {
  await mkdir(options.repository, { recursive: true });
  let count = 0;
  for (const dir of options.directories) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => /\.u?deb$/.test(n)).sort()) {
      await copyFile(join(dir, name), join(options.repository, name));
      count++;
    }
  }
  if (count === 0) return ok(0);
  const index = await runTool({
    argv: ['apt-ftparchive', 'packages', '.'], env: options.env, cwd: options.repository,
  });
  if (!index.ok) return index;
  await writeFile(join(options.repository, 'Packages'), index.value.stdout);
  const etc = metadataEtc(options.metadata);
  await writeFile(join(etc, 'sources.list.d', LOCAL_SOURCES), renderLocalSources(options.repository));
  await writeFile(join(etc, 'preferences.d/mkb-local.pref'), LOCAL_PREFERENCES);
  const ctx = { ...options, archives: join(options.scratch, 'archives') };
  const apt = await prepareApt(ctx, {});
  const r = await runApt(ctx, apt, {
    argv: [...apt.command('apt-get'), '-o', `Dir::Etc::SourceList=sources.list.d/${LOCAL_SOURCES}`,
      '-o', 'Dir::Etc::SourceParts=-', '-o', 'APT::Get::List-Cleanup=0', 'update'],
  });
  return r.ok ? ok(count) : r;
}
