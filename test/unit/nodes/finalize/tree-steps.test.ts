import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ok } from '../../../../src/errors/result.js';
import { depmodInstalled, depmodIsCurrent, depmodStale, isKernelDir, kernelModuleFilters, kernelVersions } from '../../../../src/nodes/finalize/depmod.js';
import { HWDB_ARGV, hwdb } from '../../../../src/nodes/finalize/hwdb.js';
import { localeGen, namesLocales } from '../../../../src/nodes/finalize/locale-gen.js';
import { PRESET_ARGVS, presets } from '../../../../src/nodes/finalize/presets.js';
import { ssh, sshMode } from '../../../../src/nodes/finalize/ssh.js';
import { AFTER_INSTALL, BEFORE_FIRSTBOOT, runTreeStepLanes, runTreeSteps, tmpfilesMayTouchUnits, treeStepTools } from '../../../../src/nodes/finalize/system-steps.js';
import { sysusers, sysusersEnvironment } from '../../../../src/nodes/finalize/sysusers.js';
import { TMPFILES_ARGV, TMPFILES_SUCCESS, tmpfiles } from '../../../../src/nodes/finalize/tmpfiles.js';
import { vmlinuzLocation } from '../../../../src/nodes/finalize/vmlinuz-location.js';
import type { TreeStep, TreeStepContext } from '../../../../src/nodes/finalize/tree-step.js';
import { baseInstallKind } from '../../../../src/nodes/image/base-install/base-install.js';
import { finalizeKind } from '../../../../src/nodes/image/finalize/finalize.js';
import { packageDeltaKind } from '../../../../src/nodes/image/package-delta/package-delta.js';
import type { Settings } from '../../../../src/nodes/types.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const context = (root: string, settings: Settings = {}): TreeStepContext => ({
  root, node: 'main/finalize', settings, signal: new AbortController().signal, onOutput: () => undefined,
});

async function touch(path: string, content = '', mtimeSeconds?: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  if (mtimeSeconds !== undefined) await utimes(path, mtimeSeconds, mtimeSeconds);
}

describe('which steps run, in mkosi 27.1\'s order', () => {
  test('after installation: the kernel image\'s place, depmod, then the hardware database; before firstboot: ssh, locales, users, volatile files, presets, depmod', () => {
    expect(AFTER_INSTALL).toEqual([vmlinuzLocation, depmodInstalled, hwdb]);
    expect(BEFORE_FIRSTBOOT).toEqual([ssh, localeGen, sysusers, tmpfiles, presets, depmodStale]);
  });

  test('an ordinary image runs every tool over its tree; the host tools enter the key of the node running them', () => {
    expect(treeStepTools(AFTER_INSTALL, {})).toEqual(['bwrap', 'systemd-hwdb']);
    expect(treeStepTools(BEFORE_FIRSTBOOT, {})).toEqual(['bwrap', 'systemctl', 'systemd-sysusers', 'systemd-tmpfiles']);
    const finalizeTools = finalizeKind.tools({ kind: 'finalize', image: 'main', settings: {}, params: { base: 'b', files: [], architecture: 'amd64' } });
    expect(finalizeTools).toEqual(expect.arrayContaining(['systemctl', 'systemd-sysusers', 'systemd-tmpfiles']));
    expect(finalizeTools).not.toContain('systemd-hwdb');
    expect(baseInstallKind.tools({ kind: 'base-install', image: 'main', settings: {}, params: { lock: 'l', metadata: 'm', files: [] } })).toContain('systemd-hwdb');
    expect(packageDeltaKind.tools({ kind: 'package-delta', image: 'main', settings: {}, params: { metadata: 'm', base: 'b', packages: ['less'], architecture: 'amd64' } })).toContain('systemd-hwdb');
  });

  test('the settings the steps read key finalize; SshKey= and SshCertificate= (runtime only) do not', () => {
    const read = ['Overlay', 'Image', 'Ssh', 'Environment', 'SourceDateEpoch', 'ImageId', 'ImageVersion',
      'KernelModules', 'KernelModulesExclude', 'KernelModulesIncludeHost', 'FirmwareFiles', 'FirmwareExclude'];
    expect(read.filter((name) => finalizeKind.irrelevantSettings.includes(name))).toEqual([]);
    expect(finalizeKind.irrelevantSettings).toEqual(expect.arrayContaining(['SshKey', 'SshCertificate']));
  });

  test('an Overlay= image gets none of the tools (it keeps only its own changes); Ssh= still writes its units', () => {
    const overlay = { Overlay: true };
    expect(treeStepTools([...AFTER_INSTALL, ...BEFORE_FIRSTBOOT], overlay)).toEqual([]);
    expect([...AFTER_INSTALL, ...BEFORE_FIRSTBOOT].filter((s) => s.applies(overlay))).toEqual([vmlinuzLocation, ssh]);
  });

  test('the tools tree gets the kernel image\'s place, locales and Ssh= only', () => {
    expect([...AFTER_INSTALL, ...BEFORE_FIRSTBOOT].filter((s) => s.applies({ Image: 'tools' }))).toEqual([vmlinuzLocation, ssh, localeGen]);
  });

  test('steps run in order and the first failure stops the rest', async () => {
    const ran: string[] = [];
    const step = (name: string, fails = false): TreeStep => ({
      tools: [], applies: (s) => s['skip'] !== name,
      run: () => {
        ran.push(name);
        return Promise.resolve(fails ? { ok: false, error: { code: 'NODE_FAILED', node: 'n', message: name } } as const : ok(null));
      },
    });
    const r = await runTreeSteps([step('a'), step('b'), step('c', true), step('d')], context('/nonexistent', { skip: 'b' }));
    expect(r).toMatchObject({ ok: false, error: { message: 'c' } });
    expect(ran).toEqual(['a', 'c']);
  });
});

describe('presets beside sysusers and tmpfiles', () => {
  test('lanes run side by side, each in order; the first lane\'s failure is the one reported', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const step = (name: string, o: { waits?: boolean; opens?: boolean; fails?: boolean } = {}): TreeStep => ({
      tools: [], applies: () => true,
      run: async () => {
        events.push(`${name} start`);
        if (o.waits === true) await gate;
        if (o.opens === true) release();
        events.push(`${name} end`);
        return o.fails === true ? { ok: false, error: { code: 'NODE_FAILED', node: 'n', message: name } } as const : ok(null);
      },
    });
    // The first lane waits for the second: run one after the other, it would never finish.
    const r = await runTreeStepLanes([[step('users', { waits: true, fails: true }), step('volatile')], [step('presets', { opens: true, fails: true })]], context('/nonexistent'));
    expect(r).toMatchObject({ ok: false, error: { message: 'users' } });
    expect(events).toEqual(['users start', 'presets start', 'presets end', 'users end']);
  });

  test('a lane that throws is rethrown only once the other lanes have ended', async () => {
    const events: string[] = [];
    const throws: TreeStep = { tools: [], applies: () => true, run: () => Promise.reject(new Error('disk gone')) };
    const slow: TreeStep = {
      tools: [], applies: () => true,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push('presets end');
        return ok(null);
      },
    };
    await expect(runTreeStepLanes([[throws], [slow]], context('/nonexistent'))).rejects.toThrow('disk gone');
    expect(events).toEqual(['presets end']);
  });

  async function withTmpfiles(lines: Record<string, string>): Promise<string> {
    const root = await tempDir();
    for (const [file, text] of Object.entries(lines)) await touch(join(root, file), text);
    return root;
  }

  test('only when no tmpfiles.d line names a path in or above a unit or preset directory', async () => {
    const debian = {
      'usr/lib/tmpfiles.d/systemd.conf': '# comment\nd /run/systemd/netif 0755 systemd-network systemd-network -\nL+ /etc/mtab - - - - ../proc/self/mounts\n',
      'usr/lib/tmpfiles.d/tmp.conf': 'D /tmp 1777 root root -\nx /tmp/systemd-private-%b-*\n\nr! /etc/passwd.lock\n',
    };
    expect(await tmpfilesMayTouchUnits(await withTmpfiles(debian))).toBe(false);
    expect(await tmpfilesMayTouchUnits(await tempDir())).toBe(false);
    for (const line of ['L /etc/systemd/system/multi-user.target.wants/x.service - - - - /dev/null', 'R /etc', 'd /usr/lib/sys*', 'f /lib/systemd/system-preset/90-x.preset', 'L "/etc/systemd/user/a b"', 'z /etc/%m']) {
      expect(await tmpfilesMayTouchUnits(await withTmpfiles({ ...debian, 'etc/tmpfiles.d/local.conf': `${line}\n` })), line).toBe(true);
    }
  });

  test('a tmpfiles.d file masked by a symlink to /dev/null is skipped; any other symlink counts as touching', async () => {
    const masked = await withTmpfiles({});
    await mkdir(join(masked, 'etc/tmpfiles.d'), { recursive: true });
    await symlink('/dev/null', join(masked, 'etc/tmpfiles.d/units.conf'));
    expect(await tmpfilesMayTouchUnits(masked)).toBe(false);
    await symlink('/usr/share/x.conf', join(masked, 'etc/tmpfiles.d/elsewhere.conf'));
    expect(await tmpfilesMayTouchUnits(masked)).toBe(true);
  });
});

describe('the kernel image in /usr/lib/modules (mkosi\'s fixup_vmlinuz_location)', () => {
  const KVER = '6.1.0-18-amd64';

  test('a kernel in /boot is copied next to its modules, with its mode and mtime; symlinks in /boot are not kernels', async () => {
    const root = await tempDir();
    await touch(join(root, `boot/vmlinuz-${KVER}`), 'kernel image', 1_700_000_000);
    await chmod(join(root, `boot/vmlinuz-${KVER}`), 0o600);
    await symlink(`vmlinuz-${KVER}`, join(root, 'boot/vmlinuz-9.9-link'));
    await touch(join(root, `usr/lib/modules/${KVER}/kernel/a.ko`));
    await mkdir(join(root, 'usr/lib/modules/9.9-link'), { recursive: true });
    expect(await vmlinuzLocation.run(context(root))).toEqual(ok(null));
    const copied = join(root, `usr/lib/modules/${KVER}/vmlinuz`);
    expect(await readFile(copied, 'utf8')).toBe('kernel image');
    expect((await stat(copied)).mode & 0o777).toBe(0o600);
    expect((await stat(copied)).mtimeMs).toBe(1_700_000_000_000);
    expect(await readdir(join(root, 'usr/lib/modules/9.9-link'))).toEqual([]);
  });

  test('a kernel already in place, or one without modules, is left alone; a link back to /boot becomes the file', async () => {
    const root = await tempDir();
    await touch(join(root, `boot/vmlinuz-${KVER}`), 'from boot');
    await touch(join(root, 'boot/vmlinuz-5.10.0-1-amd64'), 'no modules for it');
    await touch(join(root, `usr/lib/modules/${KVER}/vmlinuz`), 'already here');
    await mkdir(join(root, 'usr/lib/modules/extra'), { recursive: true });
    expect(await vmlinuzLocation.run(context(root))).toEqual(ok(null));
    expect(await readFile(join(root, `usr/lib/modules/${KVER}/vmlinuz`), 'utf8')).toBe('already here');
    expect(await readdir(join(root, 'usr/lib/modules'))).toEqual(expect.not.arrayContaining(['5.10.0-1-amd64']));

    const linked = await tempDir();
    await touch(join(linked, `boot/vmlinuz-${KVER}`), 'from boot');
    await mkdir(join(linked, `usr/lib/modules/${KVER}`), { recursive: true });
    await symlink(`/boot/vmlinuz-${KVER}`, join(linked, `usr/lib/modules/${KVER}/vmlinuz`));
    expect(await vmlinuzLocation.run(context(linked))).toEqual(ok(null));
    expect((await lstat(join(linked, `usr/lib/modules/${KVER}/vmlinuz`))).isFile()).toBe(true);
    expect(await readFile(join(linked, `usr/lib/modules/${KVER}/vmlinuz`), 'utf8')).toBe('from boot');
    expect(await vmlinuzLocation.run(context(await tempDir()))).toEqual(ok(null));
  });

  test('a kernel name without a version takes the one module directory\'s; with two, it fails as mkosi does', async () => {
    const root = await tempDir();
    await touch(join(root, 'boot/vmlinuz-custom'), 'custom kernel');
    await mkdir(join(root, `usr/lib/modules/${KVER}`), { recursive: true });
    expect(await vmlinuzLocation.run(context(root))).toEqual(ok(null));
    expect(await readFile(join(root, `usr/lib/modules/${KVER}/vmlinuz`), 'utf8')).toBe('custom kernel');
    const two = await tempDir();
    await touch(join(two, 'boot/vmlinuz-custom'), 'custom kernel');
    for (const v of ['6.1.0-1-amd64', '6.1.0-2-amd64']) await mkdir(join(two, 'usr/lib/modules', v), { recursive: true });
    expect(await vmlinuzLocation.run(context(two))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Multiple kernel module directories/) } });
  });
});

describe('tool arguments', () => {
  test('tmpfiles creates and removes for boot, leaving API file systems and temporary directories alone', () => {
    expect(TMPFILES_ARGV).toEqual(['systemd-tmpfiles', '--root=/buildroot', '--boot', '--create', '--remove',
      '--exclude-prefix=/tmp', '--exclude-prefix=/var/tmp', '--exclude-prefix=/run', '--exclude-prefix=/proc', '--exclude-prefix=/sys', '--exclude-prefix=/dev']);
    expect(TMPFILES_SUCCESS).toEqual([65, 73]);
  });

  test('presets for system units, then for every user; hwdb compiled into /usr; the image is at mkosi\'s /buildroot', () => {
    expect(PRESET_ARGVS).toEqual([['systemctl', '--root=/buildroot', 'preset-all'], ['systemctl', '--root=/buildroot', '--global', 'preset-all']]);
    expect(HWDB_ARGV).toEqual(['systemd-hwdb', '--root=/buildroot', '--usr', '--strict', 'update']);
  });

  test('sysusers sees SourceDateEpoch=, the image identity and Environment=', () => {
    const env = sysusersEnvironment({ SourceDateEpoch: 1700000000, ImageId: 'img', Environment: { FOO: 'bar' } });
    expect(env).toMatchObject({ SOURCE_DATE_EPOCH: '1700000000', IMAGE_ID: 'img', FOO: 'bar', SYSTEMD_TMPFILES_FORCE_SUBVOL: '0' });
    expect(env).not.toHaveProperty('IMAGE_VERSION');
  });
});

describe('depmod', () => {
  test('a kernel directory has more than a lone updates/', () => {
    expect(isKernelDir([])).toBe(false);
    expect(isKernelDir(['updates'])).toBe(false);
    expect(isKernelDir(['updates', 'kernel'])).toBe(true);
    expect(isKernelDir(['modules.order'])).toBe(true);
  });

  test('kernel versions are the kernel directories under /usr/lib/modules, sorted', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'usr/lib/modules/empty'), { recursive: true });
    await mkdir(join(root, 'usr/lib/modules/dkms-only/updates'), { recursive: true });
    await touch(join(root, 'usr/lib/modules/6.2.0/kernel/a.ko'));
    await touch(join(root, 'usr/lib/modules/6.1.0/kernel/b.ko.xz'));
    await touch(join(root, 'usr/lib/modules/stray-file'));
    expect(await kernelVersions(root)).toEqual(['6.1.0', '6.2.0']);
    expect(await kernelVersions(await tempDir())).toEqual([]);
  });

  test('indexes are current when all exist and no module is newer than modules.dep', async () => {
    const dir = join(await tempDir(), '6.1.0');
    await touch(join(dir, 'kernel/drivers/a.ko.zst'), '', 1000);
    expect(await depmodIsCurrent(dir)).toBe(false);
    for (const name of ['modules.dep', 'modules.dep.bin', 'modules.symbols', 'modules.symbols.bin']) await touch(join(dir, name), '', 2000);
    expect(await depmodIsCurrent(dir)).toBe(true);
    await touch(join(dir, 'extra/b.ko'), '', 3000);
    expect(await depmodIsCurrent(dir)).toBe(false);
  });

  test('the filters are KernelModules= as the planner expanded it, the exclude regexes and the firmware lists', () => {
    expect(kernelModuleFilters({ KernelModules: [], KernelModulesIncludeHost: false }, undefined))
      .toEqual(ok({ modulesInclude: [], modulesExclude: [], firmwareInclude: [], firmwareExclude: [] }));
    expect(kernelModuleFilters({ KernelModules: ['default', 'e1000'], KernelModulesExclude: ['re:nvidia.*'], FirmwareFiles: ['x'], FirmwareExclude: ['re:y'] }, ['ext4', 'e1000']))
      .toEqual(ok({ modulesInclude: ['ext4', 'e1000'], modulesExclude: ['re:nvidia.*'], firmwareInclude: ['x'], firmwareExclude: ['re:y'] }));
  });

  test('`default` or `host` left unexpanded, or in an exclude list, is an error naming the setting', async () => {
    expect(kernelModuleFilters({ KernelModules: ['host'] }, undefined)).toMatchObject({ ok: false });
    expect(kernelModuleFilters({ KernelModulesIncludeHost: true }, undefined)).toMatchObject({ ok: false });
    expect(kernelModuleFilters({ KernelModulesIncludeHost: true }, ['loop'])).toMatchObject({ ok: true });
    expect(kernelModuleFilters({ FirmwareExclude: ['default'] }, undefined)).toEqual({ ok: false, error: expect.stringContaining('FirmwareExclude=default') });
    const root = await tempDir();
    await touch(join(root, 'usr/lib/modules/6.1.0/kernel/a.ko'));
    const r = await depmodStale.run(context(root, { KernelModulesExclude: ['host'] }));
    expect(r).toMatchObject({ ok: false, error: { code: 'NODE_FAILED', message: expect.stringContaining('KernelModulesExclude=host'), hint: expect.stringContaining('regular expressions') } });
    // No kernel, nothing to filter: the settings are not looked at.
    expect(await depmodStale.run(context(await tempDir(), { KernelModulesExclude: ['host'] }))).toEqual(ok(null));
  });

  test('filters on an image with kernels but no modinfo fail with a hint', async () => {
    const root = await tempDir();
    await touch(join(root, 'usr/lib/modules/6.1.0/kernel/a.ko'));
    const r = await depmodStale.run(context(root, { KernelModules: ['a'] }));
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('modinfo'), hint: expect.stringContaining('kmod') } });
  });

  test('modules without a depmod in the image fail with a hint, as mkosi (which runs the image\'s depmod) would', async () => {
    const root = await tempDir();
    await touch(join(root, 'usr/lib/modules/6.1.0/kernel/a.ko'));
    const r = await depmodInstalled.run(context(root));
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('no depmod'), hint: expect.stringContaining('kmod') } });
  });
});

describe('locale-gen', () => {
  test('runs only for a locale.gen that names a locale', () => {
    expect(namesLocales('# en_US.UTF-8 UTF-8\n\n   \n')).toBe(false);
    expect(namesLocales('# comment\n  de_DE.UTF-8 UTF-8\n')).toBe(true);
  });

  test('no locale.gen, or only comments: nothing to do; locales named without locale-gen: a clear error', async () => {
    const root = await tempDir();
    expect(await localeGen.run(context(root))).toEqual(ok(null));
    await touch(join(root, 'etc/locale.gen'), '# en_US.UTF-8 UTF-8\n');
    expect(await localeGen.run(context(root))).toEqual(ok(null));
    await writeFile(join(root, 'etc/locale.gen'), 'en_US.UTF-8 UTF-8\n');
    expect(await localeGen.run(context(root))).toMatchObject({ ok: false, error: { message: expect.stringContaining('no locale-gen'), hint: expect.stringContaining('locales') } });
  });
});

describe('Ssh=', () => {
  const units = (root: string) => readdir(join(root, 'usr/lib/systemd/system')).catch(() => []);

  test('auto is the default; runtime and never change nothing in the image', () => {
    expect(sshMode({})).toBe('auto');
    expect(sshMode({ Ssh: 'always' })).toBe('always');
    expect(ssh.applies({ Ssh: 'runtime' })).toBe(false);
    expect(ssh.applies({ Ssh: 'never' })).toBe(false);
  });

  test('auto: nothing without sshd in the image', async () => {
    const root = await tempDir();
    expect(await ssh.run(context(root))).toEqual(ok(null));
    expect(await units(root)).toEqual([]);
  });

  test('auto with sshd: a vsock socket, its service and a preset enabling the socket', async () => {
    const root = await tempDir();
    await touch(join(root, 'usr/sbin/sshd'));
    await chmod(join(root, 'usr/sbin/sshd'), 0o755);
    expect(await ssh.run(context(root))).toEqual(ok(null));
    expect((await units(root)).sort()).toEqual(['ssh.socket', 'ssh@.service']);
    const socket = await readFile(join(root, 'usr/lib/systemd/system/ssh.socket'), 'utf8');
    expect(socket).toContain('ListenStream=vsock::22\nAccept=yes\n');
    expect(socket).toContain('[Install]\nWantedBy=sockets.target\n');
    expect(await readFile(join(root, 'usr/lib/systemd/system/ssh@.service'), 'utf8')).toContain('ExecStart=sshd -i -o UsePAM=no\n');
    expect(await readFile(join(root, 'usr/lib/systemd/system-preset/80-mkosi-ssh.preset'), 'utf8')).toBe('enable ssh.socket\n');
  });

  test('auto with systemd-ssh-generator (systemd ≥ 256): nothing; always: the units even without sshd', async () => {
    const root = await tempDir();
    await touch(join(root, 'usr/lib/systemd/system-generators/systemd-ssh-generator'));
    await touch(join(root, 'usr/sbin/sshd'));
    await chmod(join(root, 'usr/sbin/sshd'), 0o755);
    expect(await ssh.run(context(root))).toEqual(ok(null));
    expect(await units(root)).toEqual([]);
    const bare = await tempDir();
    expect(await ssh.run(context(bare, { Ssh: 'always' }))).toEqual(ok(null));
    expect((await units(bare)).sort()).toEqual(['ssh.socket', 'ssh@.service']);
  });
});
