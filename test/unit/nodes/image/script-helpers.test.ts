import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, test } from 'vitest';
import { APT_HELPERS, aptHelper, asCallerHelper, chrootHelper, writeHelpers } from '../../../../src/nodes/image/script-helpers.js';

const SETTINGS = { architecture: 'amd64', withRecommends: false, withDocs: true, repositoryKeyCheck: true };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The command a helper ends with. */
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

describe('script helpers', () => {
  test('mkosi-install and friends map to apt-get install, upgrade, purge and install --reinstall', () => {
    expect(APT_HELPERS).toEqual({
      'mkosi-install': ['install'], 'mkosi-upgrade': ['upgrade'], 'mkosi-remove': ['purge'], 'mkosi-reinstall': ['install', '--reinstall'],
    });
  });

  test('an apt helper runs apt-get on /buildroot with the mounted metadata and cache, then the caller\'s words', () => {
    const text = aptHelper({ why: 'test', tool: 'apt-get', args: ['install', '--reinstall'], settings: SETTINGS, network: false });
    const line = lastLine(text);
    expect(line).toMatch(/^bwrap .*--unshare-net /);
    expect(line).toContain('--ro-bind /work/apt/metadata/etc/apt /etc/apt');
    expect(line).toContain('APT_CONFIG=/work/apt/scratch/apt.conf');
    expect(line).toContain('-o Dir::State::Lists=/work/apt/metadata/lists');
    expect(line).toContain('-o Dir::Cache::Archives=/work/apt/archives');
    expect(line).toContain('-o Dir::State::status=/buildroot/var/lib/dpkg/status');
    expect(line).toContain('-o DPkg::Options::=--root=/buildroot');
    expect(line).toMatch(/\/usr\/bin\/apt-get .* install --reinstall "\$@"$/);
    expect(aptHelper({ why: 'x', tool: 'apt-get', args: [], settings: SETTINGS, network: true })).not.toContain('--unshare-net');
  });

  test('mkosi-chroot enters /buildroot with /work and mkosi\'s chroot variables, a shell without arguments', () => {
    const text = chrootHelper(true);
    expect(text).toContain('[ "$#" -gt 0 ] || set -- sh');
    const line = lastLine(text);
    expect(line).toContain('--bind /buildroot / --bind /work /work');
    expect(line).toContain('--setenv container mkosi');
    expect(line).toContain('--setenv BUILDROOT /');
    expect(line).not.toContain('--unshare-net');
    expect(lastLine(chrootHelper(false))).toContain('--unshare-net');
  });

  test('mkosi-as-caller runs its arguments as $MKOSI_UID:$MKOSI_GID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mkb-helpers-'));
    dirs.push(dir);
    await writeHelpers({ dir, network: false, inImage: false });
    expect(await readdir(dir)).toEqual(['mkosi-as-caller']);
    expect(asCallerHelper()).toContain('setpriv --reuid="$MKOSI_UID" --regid="$MKOSI_GID"');
    const uid = String(process.getuid?.() ?? 0);
    const gid = String(process.getgid?.() ?? 0);
    const r = await execa(join(dir, 'mkosi-as-caller'), ['sh', '-c', 'echo "$(id -u) $1"', 'sh', 'a b'], { env: { MKOSI_UID: uid, MKOSI_GID: gid } });
    expect(r.stdout).toBe(`${uid} a b`);
  });

  test('every helper is an executable, syntactically valid shell script; the apt ones only with apt settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mkb-helpers-'));
    dirs.push(dir);
    await writeHelpers({ dir, network: true, inImage: true });
    expect((await readdir(dir)).sort()).toEqual(['dpkg', 'dpkg-query', 'mkosi-as-caller', 'mkosi-chroot']);
    await writeHelpers({ dir, network: true, inImage: true, apt: SETTINGS });
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['apt-cache', 'apt-get', 'dpkg', 'dpkg-query', 'mkosi-as-caller', 'mkosi-chroot', 'mkosi-install', 'mkosi-reinstall', 'mkosi-remove', 'mkosi-upgrade']);
    for (const name of names) {
      expect((await stat(join(dir, name))).mode & 0o111).toBe(0o111);
      await execa('sh', ['-n', join(dir, name)]);
      // A wrapper named after a tool calls the tool by its full path, never itself through $PATH.
      expect(lastLine(await readFile(join(dir, name), 'utf8'))).not.toMatch(new RegExp(`(^| )${name} `));
    }
  });
});
