import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a file into an image tree, making its parents. */
export async function file(root: string, path: string, content = ''): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

/** Makes a symlink in an image tree, making its parents. */
export async function link(root: string, path: string, target: string): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await symlink(target, join(root, path));
}
