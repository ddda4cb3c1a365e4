// The boot directories mkosi 27.1 creates in every image right after installing the distribution: /efi,
// where the ESP is mounted (as restrictive as mkfs tools allow: it is only ever overmounted), /boot, and
// /boot/loader/entries.srel saying "type1", which steers kernel-install to the boot loader specification layout.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** mkdir without touching an existing directory's mode. */
async function ensureDirectory(path: string, mode: number): Promise<void> {
  await mkdir(path, { mode }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

export async function createBootLayout(root: string): Promise<void> {
  await ensureDirectory(join(root, 'efi'), 0o500);
  await ensureDirectory(join(root, 'boot'), 0o500);
  await ensureDirectory(join(root, 'boot/loader'), 0o700);
  await writeFile(join(root, 'boot/loader/entries.srel'), 'type1\n', { mode: 0o600 });
}
