// syncMetadata: `apt-get update` into a private directory. The result is a metadata snapshot
// (DESIGN.md §2 `repo-metadata`) that resolution and installs read, shared by every image of a run.
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { AptRepository } from '../../distro/types.js';
import type { PackageFailure } from '../../package-failure.js';
import type { Environment } from '../../run-tool.js';
import type { AptSettings } from './apt-config.js';
import { renderSources } from './apt-config.js';
import { metadataEtc, metadataLists, prepareApt, runApt } from './apt-run.js';

/** Written next to the indexes: what the snapshot was made from. */
export interface MetadataInfo {
  readonly repositories: readonly AptRepository[];
  readonly architecture: string;
}

export interface SyncMetadataOptions {
  readonly repositories: readonly AptRepository[];
  readonly settings: AptSettings;
  /** An empty directory that becomes the snapshot. */
  readonly out: string;
  /** The Debian package shipping the keyrings, for the hint when one is missing. */
  readonly keyringPackage: string;
  readonly env: Environment;
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export const describeRepository = (r: AptRepository): string => `${r.uri} ${r.suite} [${r.components.join(' ')}]`;

async function checkKeyrings(options: SyncMetadataOptions): Promise<PackageFailure | undefined> {
  if (!options.settings.repositoryKeyCheck) return undefined;
  for (const r of options.repositories) {
    if (r.signedBy === undefined) continue;
    const present = await access(r.signedBy).then(() => true, () => false);
    if (!present) {
      return {
        code: 'KEYRING_MISSING', path: r.signedBy, repository: describeRepository(r),
        hint: `install the ${options.keyringPackage} package (or set RepositoryKeyCheck=no)`,
      };
    }
  }
  return undefined;
}

/** Lines of `apt-get update` output that name a repository it could not fetch. */
function fetchErrors(output: string): string {
  return output.split('\n').filter((l) => /^(E|W|Err):|Failed to fetch|does not have a Release file|Could not resolve/.test(l.trim()))
    .slice(0, 12).map((l) => `      ${l.trim()}`).join('\n');
}

export async function syncMetadata(options: SyncMetadataOptions): Promise<Result<MetadataInfo, PackageFailure>> {
  const missing = await checkKeyrings(options);
  if (missing !== undefined) return err(missing);
  const etc = metadataEtc(options.out);
  for (const d of ['apt.conf.d', 'preferences.d', 'sources.list.d', 'trusted.gpg.d']) await mkdir(join(etc, d), { recursive: true });
  await mkdir(join(metadataLists(options.out), 'partial'), { recursive: true });
  await writeFile(join(etc, 'sources.list'), '');
  await writeFile(join(etc, 'sources.list.d/mkb.sources'), renderSources(options.repositories));
  const scratch = join(options.out, '.sync');
  await mkdir(scratch, { recursive: true });
  try {
    const ctx = {
      metadata: options.out, settings: options.settings, archives: join(scratch, 'archives'), scratch, env: options.env,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    };
    const apt = await prepareApt(ctx, {});
    const r = await runApt(ctx, apt, { argv: [...apt.command('apt-get'), '-o', 'APT::Update::Error-Mode=any', 'update'] });
    if (!r.ok) {
      if (r.error.code !== 'COMMAND_FAILED') return r;
      return err({ code: 'REPOSITORY_UNREACHABLE', repositories: options.repositories.map(describeRepository), details: fetchErrors(r.error.outputTail) || r.error.outputTail });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const info: MetadataInfo = { repositories: options.repositories, architecture: options.settings.architecture };
  await writeFile(join(options.out, 'metadata.json'), JSON.stringify(info, null, 2) + '\n');
  return ok(info);
}

/** Reads what `syncMetadata` recorded. */
export async function readMetadataInfo(metadata: string): Promise<MetadataInfo> {
  return JSON.parse(await readFile(join(metadata, 'metadata.json'), 'utf8')) as MetadataInfo;
}
