import { lstat, symlink } from 'node:fs/promises';
import { join } from 'node:path';

async function present(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/**
 * As mkosi 27.1 does for every image that is not an overlay: /init → systemd when the image has systemd
 * (so the tree boots as an initrd, or in a container, without init= on the command line), and with
 * MakeInitrd=yes /etc/initrd-release → /etc/os-release. Existing entries are kept.
 */
export async function configureInitrdLinks(root: string, options: { makeInitrd: boolean }): Promise<void> {
  if (!(await present(join(root, 'init'))) && (await present(join(root, 'usr/lib/systemd/systemd')))) {
    await symlink('/usr/lib/systemd/systemd', join(root, 'init'));
  }
  if (options.makeInitrd && !(await present(join(root, 'etc/initrd-release')))) {
    await symlink('/etc/os-release', join(root, 'etc/initrd-release'));
  }
}
