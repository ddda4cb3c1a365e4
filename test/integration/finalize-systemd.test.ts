// The finalize steps that run tools over the tree (system users, volatile files, presets, hwdb, depmod,
// locale-gen, Ssh=), on a real bookworm image with systemd, udev, dbus, sshd and locales
// (fixtures/builds/bookworm-systemd), checked on their own and against the same config built by mkosi 27.1.
// The extra tree adds a sysusers.d user, a tmpfiles.d directory and file, system and user units with
// presets, a locale.gen line and (assembled here) a kernel module: each step must have seen it.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPLAYED } from '../../src/nodes/finalize/tree-region.js';
import { runInRoot } from '../../src/nodes/sandbox/run-in-root.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites, testEnv, unwrap } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';
import { mkosiImage } from '../support/mkosi-image.js';

const STORE = join(TEST_CACHE, 'build-store');
const KERNEL = '6.1.0-mkb';
let dir: string;
let image: string;
/** The enablement links of the image compared with mkosi's. */
let enablement: { system: Record<string, string>; user: Record<string, string> } | undefined;

/** A loadable-module-shaped ELF object with an alias, so depmod has something to index. */
const MODULE_SOURCE = [
  '.section .modinfo,"a"', '.string "license=GPL"', '.string "alias=mkb:test-device"', '.string "depends="',
  '.string "name=mkbtest"', `.string "vermagic=${KERNEL} SMP mod_unload "`, '.section .gnu.linkonce.this_module,"aw"', '.zero 64', '',
].join('\n');

async function addKernelModule(config: string): Promise<void> {
  const moduleDir = join(config, 'mkosi.extra/usr/lib/modules', KERNEL, 'kernel/drivers/mkb');
  await mkdir(moduleDir, { recursive: true });
  await writeFile(join(moduleDir, 'mkbtest.s'), MODULE_SOURCE);
  await execa('as', ['-o', join(moduleDir, 'mkbtest.ko'), join(moduleDir, 'mkbtest.s')]);
  await rm(join(moduleDir, 'mkbtest.s'));
}

const inImage = (root: string, ...p: string[]): string => join(root, ...p);
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

/** `path → target` of every symlink below `dir` (presets write nothing else there). */
async function symlinks(root: string, dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of (await readdir(join(root, dir), { recursive: true })).sort()) {
    const path = join(root, dir, entry);
    if ((await lstat(path)).isSymbolicLink()) out[entry] = await readlink(path);
  }
  return out;
}

/** Type, mode, owner and link target of a path, and its ACL xattrs. */
async function describePath(root: string, path: string): Promise<string> {
  const st = await lstat(join(root, path)).catch(() => undefined);
  if (st === undefined) return `${path}: missing`;
  const target = st.isSymbolicLink() ? ` -> ${await readlink(join(root, path))}` : '';
  const acl = st.isSymbolicLink() ? '' : (await execa('getfattr', ['-h', '-d', '-m', '^system.posix_acl', '-e', 'hex', '--absolute-names', join(root, path)])).stdout
    .split('\n').filter((l) => l.startsWith('system.')).join(' ');
  return `${path}: ${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid}${target} ${acl}`.trim();
}

/** Paths systemd's, dbus's and the fixture's tmpfiles.d create at build time (the others are under /run, /tmp, /dev). */
const TMPFILES_PATHS = [
  'etc/mtab', 'etc/mkb-test-file', 'home', 'root/.ssh', 'srv', 'var/cache/private', 'var/lib/dbus/machine-id', 'var/lib/mkb-test',
  'var/lib/private', 'var/lib/systemd/pstore', 'var/lock', 'var/log/README', 'var/log/journal', 'var/log/private',
];

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-systemd');
  await addKernelModule(dir);
  await mkdir(join(dir, 'mkosi.output'));
  image = join(dir, 'mkosi.output', 'systemd');
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
  await execa('node', [MKB, 'cache', 'gc', '--max-size', '1G', '--cache-dir', join(STORE, 'mkb')]);
});

describe('finalize runs mkosi\'s tools over a systemd image', () => {
  test('users, volatile files, presets, hwdb, module index, locales and the ssh socket are in the image', async () => {
    const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    if (r.exitCode !== 0) throw new Error(`mkb build exited with ${r.exitCode}:\n${r.stderr}\n${JSON.stringify(r.events.filter((e) => e.type === 'node-failed'))}`);

    // sysusers: the extra tree's user, and systemd's and dbus's.
    const passwd = await readFile(inImage(image, 'etc/passwd'), 'utf8');
    expect(passwd).toMatch(/^mkbtest:x:(\d+):\1:mkb test user:\/var\/lib\/mkb-test:\/usr\/sbin\/nologin$/m);
    expect(passwd).toMatch(/^systemd-network:x:\d+:/m);
    expect(passwd).toMatch(/^messagebus:x:\d+:/m);
    const group = await readFile(inImage(image, 'etc/group'), 'utf8');
    expect(group).toMatch(/^mkbtest:x:\d+:$/m);
    expect(group).toMatch(/^systemd-journal:x:\d+:$/m);
    const uid = Number(/^mkbtest:x:(\d+):/m.exec(passwd)?.[1]);

    // tmpfiles: created after sysusers, so owned by the new user; systemd's own lines too.
    const dirStat = await lstat(inImage(image, 'var/lib/mkb-test'));
    expect([dirStat.isDirectory(), dirStat.mode & 0o7777, dirStat.uid, dirStat.gid]).toEqual([true, 0o750, uid, uid]);
    expect(await readFile(inImage(image, 'etc/mkb-test-file'), 'utf8')).toBe('created by tmpfiles');
    expect(await readlink(inImage(image, 'var/lib/dbus/machine-id'))).toBe('/etc/machine-id');
    expect((await lstat(inImage(image, 'var/lib/systemd/pstore'))).isDirectory()).toBe(true);

    // presets: system and user units from the extra tree, and mkosi's ssh socket.
    expect(await readlink(inImage(image, 'etc/systemd/system/multi-user.target.wants/mkb-test.service'))).toBe('/lib/systemd/system/mkb-test.service');
    expect(await readlink(inImage(image, 'etc/systemd/user/default.target.wants/mkb-test-user.service'))).toBe('/usr/lib/systemd/user/mkb-test-user.service');
    expect(await readlink(inImage(image, 'etc/systemd/system/sockets.target.wants/ssh.socket'))).toBe('/lib/systemd/system/ssh.socket');
    expect(await readFile(inImage(image, 'usr/lib/systemd/system/ssh.socket'), 'utf8')).toContain('ListenStream=vsock::22');

    // hwdb: compiled into /usr, recording the sources under /buildroot (not mkb's work directory).
    expect((await lstat(inImage(image, 'usr/lib/udev/hwdb.bin'))).size).toBeGreaterThan(1_000_000);
    await expect(lstat(inImage(image, 'etc/udev/hwdb.bin'))).rejects.toThrow();
    const hwdbPaths = (await execa('sh', ['-c', `strings '${inImage(image, 'usr/lib/udev/hwdb.bin')}' | grep 'hwdb\\.d/' | sort -u`])).stdout.split('\n');
    expect(hwdbPaths.length).toBeGreaterThan(5);
    expect(hwdbPaths.every((p) => p.startsWith('/buildroot/usr/lib/udev/hwdb.d/'))).toBe(true);

    // depmod: the extra tree's module is indexed with its alias.
    const kernel = inImage(image, 'usr/lib/modules', KERNEL);
    expect(await readFile(join(kernel, 'modules.dep'), 'utf8')).toBe('kernel/drivers/mkb/mkbtest.ko:\n');
    expect(await readFile(join(kernel, 'modules.alias'), 'utf8')).toContain('alias mkb:test-device mkbtest\n');

    // locale-gen: the locale named in the extra tree's locale.gen is in the archive.
    const locales = unwrap(await runInRoot({ mode: 'chroot', root: image, argv: ['localedef', '--list-archive'], network: false, env: testEnv() })).stdout;
    expect(locales.split('\n')).toContain('en_US.utf8');
  });

  test('the same files as mkosi 27.1 builds from the same config', async () => {
    const reference = await mkosiImage({ label: 'bookworm-systemd', configDir: dir, output: 'systemd' });
    for (const file of ['etc/passwd', 'etc/group', 'etc/shadow', 'etc/gshadow', 'usr/lib/udev/hwdb.bin', 'usr/lib/locale/locale-archive',
      'usr/lib/systemd/system/ssh.socket', 'usr/lib/systemd/system-preset/80-mkosi-ssh.preset']) {
      expect({ file, sha256: await sha256(inImage(image, file)) }).toEqual({ file, sha256: await sha256(inImage(reference, file)) });
    }
    // The service is mkosi's but for its comment lines.
    const directives = async (root: string) => (await readFile(inImage(root, 'usr/lib/systemd/system/ssh@.service'), 'utf8')).split('\n').filter((l) => !l.startsWith('#'));
    expect(await directives(image)).toEqual(await directives(reference));
    for (const tree of ['etc/systemd/system', 'etc/systemd/user']) expect(await symlinks(image, tree)).toEqual(await symlinks(reference, tree));
    enablement = { system: await symlinks(image, 'etc/systemd/system'), user: await symlinks(image, 'etc/systemd/user') };
    await expect(lstat(inImage(reference, 'etc/udev/hwdb.bin'))).rejects.toThrow();
    for (const name of await readdir(inImage(reference, 'usr/lib/modules', KERNEL))) {
      if (name.startsWith('modules.')) expect({ name, sha256: await sha256(inImage(image, 'usr/lib/modules', KERNEL, name)) }).toEqual({ name, sha256: await sha256(inImage(reference, 'usr/lib/modules', KERNEL, name)) });
    }
    const described = async (root: string) => Promise.all(TMPFILES_PATHS.map((p) => describePath(root, p)));
    expect(await described(image)).toEqual(await described(reference));
  });

  test('finalize rerun for a file outside the systemd directories replays the presets: the same links, without systemctl', async () => {
    if (enablement === undefined) throw new Error('needs the comparison with mkosi 27.1 to have run');
    // The first rerun may be the first to run presets over these directories (the first build may have come
    // from the cache); the second finds what it remembered.
    for (const rerun of [1, 2]) {
      await writeFile(join(dir, 'mkosi.extra/etc/mkb-rerun'), `${rerun} ${Date.now()}\n`);
      const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
      if (r.exitCode !== 0) throw new Error(`mkb build exited with ${r.exitCode}:\n${r.stderr}`);
      expect(r.ran).toContain('main/finalize');
      const said = r.events.flatMap((e) => (e.type === 'node-output' && e.node === 'main/finalize' ? [e.chunk] : [])).join('');
      if (rerun === 2) expect(said).toContain(`presets: ${REPLAYED}`);
      expect({ system: await symlinks(image, 'etc/systemd/system'), user: await symlinks(image, 'etc/systemd/user') }).toEqual(enablement);
    }
  });
});
