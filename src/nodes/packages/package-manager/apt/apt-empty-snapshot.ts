// A metadata snapshot with no repositories: enough configuration for apt to work on what a root (or a
// local repository added later) already holds.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Creates the snapshot at `metadata` (an `AptContext.metadata`). */
export async function emptySnapshot(metadata: string, architecture: string): Promise<void> {
  const etc = join(metadata, 'etc/apt');
  for (const d of ['apt.conf.d', 'preferences.d', 'sources.list.d', 'trusted.gpg.d']) await mkdir(join(etc, d), { recursive: true });
  await mkdir(join(metadata, 'lists/partial'), { recursive: true });
  await writeFile(join(etc, 'sources.list'), '');
  await writeFile(join(metadata, 'metadata.json'), JSON.stringify({ repositories: [], architecture }));
}
