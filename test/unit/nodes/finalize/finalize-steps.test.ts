import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { clampMtimes } from '../../../../src/nodes/finalize/clamp-mtimes.js';
import { configureClockEpoch } from '../../../../src/nodes/finalize/clock-epoch.js';
import { configureInitrdLinks } from '../../../../src/nodes/finalize/initrd-links.js';
import { configureOsRelease, osReleaseToSplit, setOsReleaseFields } from '../../../../src/nodes/finalize/os-release.js';
import { removeFiles } from '../../../../src/nodes/finalize/remove-files.js';

const tempRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'mkb-finalize-'));

describe('os-release', () => {
  test('replaces existing keys in place of appending duplicates and keeps the rest in order', () => {
    expect(setOsReleaseFields('ID=debian\nIMAGE_ID=old\nVERSION_ID=12\n', { IMAGE_ID: 'web', IMAGE_VERSION: '1.2' }))
      .toBe('ID=debian\nVERSION_ID=12\nIMAGE_ID="web"\nIMAGE_VERSION="1.2"\n');
  });

  test('writes regular files only, never through the etc/os-release symlink', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'usr/lib'), { recursive: true });
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'usr/lib/os-release'), 'ID=debian\n');
    await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
    await configureOsRelease(root, { imageId: 'web', imageVersion: null, hostname: 'box' });
    expect(await readFile(join(root, 'usr/lib/os-release'), 'utf8')).toBe('ID=debian\nIMAGE_ID="web"\nDEFAULT_HOSTNAME="box"\n');
    expect((await lstat(join(root, 'etc/os-release'))).isSymbolicLink()).toBe(true);
  });
});

describe('the os-release split out (SplitArtifacts=os-release)', () => {
  test('is the last regular file of usr/lib/os-release, usr/lib/initrd-release, etc/os-release; none gives nothing', async () => {
    const root = await tempRoot();
    expect(await osReleaseToSplit(root)).toBeUndefined();
    await mkdir(join(root, 'usr/lib'), { recursive: true });
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'usr/lib/os-release'), 'ID=debian\n');
    await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
    expect(await osReleaseToSplit(root)).toBe('ID=debian\n');
    await writeFile(join(root, 'usr/lib/initrd-release'), 'ID=initrd\n');
    expect(await osReleaseToSplit(root)).toBe('ID=initrd\n');
  });
});

describe('clampMtimes', () => {
  test('lowers newer mtimes to the epoch and leaves older ones alone, symlinks included', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'dir'));
    await writeFile(join(root, 'dir/new'), 'x');
    await writeFile(join(root, 'old'), 'y');
    await symlink('old', join(root, 'link'));
    await utimes(join(root, 'old'), new Date(1_000_000), new Date(1_000_000));
    await clampMtimes(root, 2_000);
    for (const path of ['dir/new', 'dir', 'link', '.']) expect((await lstat(join(root, path))).mtimeMs).toBe(2_000_000);
    expect((await lstat(join(root, 'old'))).mtimeMs).toBe(1_000_000);
  });
});

describe('removeFiles', () => {
  test('globs relative to the root, ignoring a leading slash, with ** and dotfiles', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'usr/share/doc/a'), { recursive: true });
    await writeFile(join(root, 'usr/share/doc/a/README'), '');
    await writeFile(join(root, 'usr/share/doc/a/.hidden'), '');
    await writeFile(join(root, 'keep'), '');
    // Symlinks match as mkosi's pathlib glob matches them, dangling ones too.
    await symlink('README', join(root, 'usr/share/doc/a/README.link'));
    await symlink('/nonexistent', join(root, 'usr/share/doc/a/dangling.link'));
    const removed = await removeFiles(root, ['/usr/share/doc/**/.hidden', 'usr/share/doc/a/README', 'usr/share/doc/*/*.link']);
    expect(removed).toEqual(['usr/share/doc/a/.hidden', 'usr/share/doc/a/README', 'usr/share/doc/a/README.link', 'usr/share/doc/a/dangling.link']);
    expect(await readdir(join(root, 'usr/share/doc/a'))).toEqual([]);
    await expect(lstat(join(root, 'usr/share/doc/a/README'))).rejects.toThrow();
    expect((await lstat(join(root, 'keep'))).isFile()).toBe(true);
  });
});

describe('clock epoch', () => {
  test('an empty /usr/lib/clock-epoch, mode 0644', async () => {
    const root = await tempRoot();
    await configureClockEpoch(root);
    const s = await lstat(join(root, 'usr/lib/clock-epoch'));
    expect([s.isFile(), s.size, s.mode & 0o7777]).toEqual([true, 0, 0o644]);
  });
});

describe('initrd links', () => {
  test('/init points at systemd when the image has it; /etc/initrd-release only with MakeInitrd=yes', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'usr/lib/systemd'), { recursive: true });
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'usr/lib/systemd/systemd'), '');
    await configureInitrdLinks(root, { makeInitrd: false });
    expect(await readlink(join(root, 'init'))).toBe('/usr/lib/systemd/systemd');
    await expect(lstat(join(root, 'etc/initrd-release'))).rejects.toThrow();
    await configureInitrdLinks(root, { makeInitrd: true });
    expect(await readlink(join(root, 'etc/initrd-release'))).toBe('/etc/os-release');
  });

  test('no /init without systemd, and an existing /init is kept', async () => {
    const bare = await tempRoot();
    await configureInitrdLinks(bare, { makeInitrd: false });
    await expect(lstat(join(bare, 'init'))).rejects.toThrow();
    const own = await tempRoot();
    await mkdir(join(own, 'usr/lib/systemd'), { recursive: true });
    await writeFile(join(own, 'usr/lib/systemd/systemd'), '');
    await symlink('/sbin/my-init', join(own, 'init'));
    await configureInitrdLinks(own, { makeInitrd: false });
    expect(await readlink(join(own, 'init'))).toBe('/sbin/my-init');
  });
});
