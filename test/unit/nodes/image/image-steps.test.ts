import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { splitBuildFlags } from '../../../../src/cli/engine/build-flags.js';
import { removeRunLeftovers } from '../../../../src/nodes/image/add-packages.js';
import { createBootLayout } from '../../../../src/nodes/image/base-install/boot-layout.js';
import { clampShadowDates, firstbootSettings, writeFirstbootCredentials } from '../../../../src/nodes/image/finalize/firstboot.js';
import { outputFileName } from '../../../../src/nodes/image/output/output-files.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('output file names', () => {
  test('tar and cpio get their extension and the compression suffix; directories are named Output', () => {
    expect(outputFileName({ Output: 'img_1', OutputExtension: 'tar', CompressOutput: 'zstd' }, 'tar')).toBe('img_1.tar.zst');
    expect(outputFileName({ Output: 'img_1', CompressOutput: 'xz' }, 'cpio')).toBe('img_1.cpio.xz');
    expect(outputFileName({ Output: 'img_1', CompressOutput: 'none' }, 'tar')).toBe('img_1.tar');
    expect(outputFileName({ Output: 'img_1', CompressOutput: 'zstd' }, 'directory')).toBe('img_1');
  });
});

describe('firstboot settings', () => {
  test('only the settings that are set are applied; a hashed password is passed as is', async () => {
    const r = await firstbootSettings({ Hostname: 'h', Locale: null, Timezone: 'UTC', RootPassword: ['$6$x$y', true], RootShell: '/bin/sh' }, new AbortController().signal);
    expect(r.ok && r.value.map((s) => `--${s.option}=${s.value}`)).toEqual(['--timezone=UTC', '--hostname=h', '--root-shell=/bin/sh', '--root-password-hashed=$6$x$y']);
  });

  test('settings other than the hostname are kept as credentials in /usr/lib/credstore, the password readable by root only', async () => {
    const root = await tempDir();
    const r = await firstbootSettings({ Hostname: 'h', Locale: 'C.UTF-8', Timezone: 'UTC', RootPassword: ['$6$x$y', true] }, new AbortController().signal);
    if (!r.ok) throw new Error(r.error.code);
    await writeFirstbootCredentials(root, r.value);
    const store = join(root, 'usr/lib/credstore');
    expect((await readdir(store)).sort()).toEqual(['firstboot.locale', 'firstboot.timezone', 'passwd.hashed-password.root']);
    expect(await readFile(join(store, 'firstboot.timezone'), 'utf8')).toBe('UTC');
    expect(await readFile(join(store, 'passwd.hashed-password.root'), 'utf8')).toBe('$6$x$y');
    expect((await stat(join(store, 'passwd.hashed-password.root'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(store, 'firstboot.locale'))).mode & 0o777).toBe(0o644);
  });

  test('shadow change dates after SourceDateEpoch are lowered to its day, older ones kept', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'etc'));
    await writeFile(join(root, 'etc/shadow'), 'root:$6$a$b:20782:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
    await clampShadowDates(root, 1700000000);
    expect(await readFile(join(root, 'etc/shadow'), 'utf8')).toBe('root:$6$a$b:19675:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
  });
});

describe('build flags on the mkosi-style command line', () => {
  test('engine options are taken out, mkosi options and everything after -- stay', () => {
    expect(splitBuildFlags(['-C', 'x', 'build', '--reporter', 'json', '--dry-run', '-j', '2', '--format=tar', '--', '--dry-run'])).toEqual({
      ok: true, argv: ['-C', 'x', 'build', '--format=tar', '--', '--dry-run'], flags: { dryRun: true, reporter: 'json', jobs: 2 },
    });
  });

  test('bad values are usage errors naming the option', () => {
    expect(splitBuildFlags(['build', '--reporter=loud'])).toMatchObject({ ok: false, message: expect.stringContaining('--reporter') });
    expect(splitBuildFlags(['build', '--jobs', '0'])).toMatchObject({ ok: false, message: expect.stringContaining('--jobs') });
  });
});

describe('boot layout', () => {
  test('creates /efi 0500, /boot/loader 0700 and entries.srel "type1"; an existing /boot keeps its mode', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'boot'), { mode: 0o755 });
    await createBootLayout(root);
    const mode = async (p: string) => (await stat(join(root, p))).mode & 0o7777;
    expect([await mode('efi'), await mode('boot'), await mode('boot/loader'), await mode('boot/loader/entries.srel')]).toEqual([0o500, 0o755, 0o700, 0o600]);
    expect(await readFile(join(root, 'boot/loader/entries.srel'), 'utf8')).toBe('type1\n');
  });
});

describe('run leftovers', () => {
  test('logs, backup databases and caches of one package run go; the databases themselves stay', async () => {
    const root = await tempDir();
    for (const p of ['var/cache/ldconfig/aux-cache', 'var/lib/dpkg/status-old', 'var/lib/dpkg/status', 'var/log/alternatives.log', 'var/cache/debconf/config.dat', 'var/cache/debconf/config.dat-old']) {
      await mkdir(join(root, p, '..'), { recursive: true });
      await writeFile(join(root, p), 'x');
    }
    await removeRunLeftovers(root);
    expect((await readdir(join(root, 'var/lib/dpkg'))).sort()).toEqual(['status']);
    expect(await readdir(join(root, 'var/cache/debconf'))).toEqual(['config.dat']);
    expect(await readdir(join(root, 'var/cache/ldconfig'))).toEqual([]);
    expect(await readdir(join(root, 'var/log'))).toEqual([]);
  });
});
