import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An empty /usr/lib/clock-epoch, as mkosi 27.1 leaves in every image that is not an overlay: systemd never
 * sets the clock earlier than this file's mtime (clamped to SourceDateEpoch like every other file).
 */
export async function configureClockEpoch(root: string): Promise<void> {
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/clock-epoch'), '', { mode: 0o644 });
}
