import { describe, expect, test } from 'vitest';
import { nspawnArgv, unsupportedRuntimeSettings } from '../../../../src/cli/verbs/nspawn-command.js';
import type { NspawnOptions } from '../../../../src/cli/verbs/nspawn-command.js';

const base = (more: Partial<NspawnOptions> = {}): NspawnOptions => ({
  verb: 'shell', settings: { Image: 'main', Machine: 'my_box', RuntimeNetwork: 'user', Register: 'auto' }, image: '/out/img', args: [],
  credentials: [{ name: 'firstboot.locale', path: '/c/firstboot.locale' }], coreLimit: '0:infinity', hostSystemd: true,
  ownedByRoot: () => true, ...more,
});

describe('nspawnArgv: mkosi 27.1\'s systemd-nspawn command for shell and boot', () => {
  test('shell: core limit, autopipe console, machine name without underscores, the command after --', () => {
    expect(nspawnArgv(base({ args: ['cat', '/etc/os-release'] }))).toEqual([
      'systemd-nspawn', '--quiet', '--link-journal=no', '--suppress-sync=yes', '--resolv-conf=auto',
      '--rlimit=RLIMIT_CORE=0:infinity', '--console=autopipe', '--machine', 'my-box', '--register', 'yes',
      '--load-credential=firstboot.locale:/c/firstboot.locale', '--directory', '/out/img', '--', 'cat', '/etc/os-release',
    ]);
  });

  test('shell without a command ends with the image (nspawn starts a shell)', () => {
    expect(nspawnArgv(base()).at(-1)).toBe('/out/img');
  });

  test('boot: --boot, kernel arguments become --setenv (no dot in the name) or init arguments, after the caller\'s words', () => {
    const argv = nspawnArgv(base({
      verb: 'boot', args: ['--private-users=no'],
      settings: { Image: 'main', KernelCommandLine: ['quiet', 'systemd.log_level=debug', 'my-var=1'], KernelCommandLineExtra: ['FOO=a b'] },
    }));
    expect(argv).toContain('--boot');
    expect(argv).not.toContain('--console=autopipe');
    expect(argv.slice(argv.indexOf('/out/img') + 1)).toEqual([
      '--setenv', 'my_var=1', '--setenv', 'SYSTEMD_SULOGIN_FORCE=1', '--setenv', 'FOO="a b"', '--private-users=no',
      'quiet', 'systemd.log_level=debug', 'systemd.wants=network.target',
    ]);
  });

  test('boot keeps a SYSTEMD_SULOGIN_FORCE= from KernelCommandLineExtra=', () => {
    const argv = nspawnArgv(base({ verb: 'boot', settings: { KernelCommandLineExtra: ['SYSTEMD_SULOGIN_FORCE=0'] } }));
    expect(argv.filter((a) => a.startsWith('SYSTEMD_SULOGIN_FORCE='))).toEqual(['SYSTEMD_SULOGIN_FORCE=0']);
  });

  test('RuntimeNetwork= picks the network options; Register=no and a host without systemd do not register', () => {
    expect(nspawnArgv(base({ settings: { RuntimeNetwork: 'none' } }))).toContain('--private-network');
    const veth = nspawnArgv(base({ settings: { RuntimeNetwork: 'interface' } }));
    expect(veth).toEqual(expect.arrayContaining(['--private-network', '--network-veth']));
    expect(veth).not.toContain('--resolv-conf=auto');
    const reg = (argv: string[]) => argv[argv.indexOf('--register') + 1];
    expect(reg(nspawnArgv(base({ settings: { Register: false } })))).toBe('no');
    const noSystemd = nspawnArgv(base({ hostSystemd: false }));
    expect(reg(noSystemd)).toBe('no');
    expect(noSystemd).toContain('--keep-unit');
    expect(nspawnArgv(base())).not.toContain('--keep-unit');
  });

  test('the machine defaults to the image name; RuntimeTrees= bind non-recursively under /root/src; BindUser=', () => {
    const argv = nspawnArgv(base({
      settings: { Image: 'web_a', RuntimeTrees: [{ Source: '/src/a', Target: null }, { Source: '/src/b', Target: '/opt/b' }], BindUser: true },
      user: 'alice', ownedByRoot: (p) => p === '/src/a',
    }));
    expect(argv.slice(argv.indexOf('--machine'), argv.indexOf('--machine') + 2)).toEqual(['--machine', 'web-a']);
    expect(argv).toEqual(expect.arrayContaining(['--bind', '/src/a:/root/src:norbind,noidmap', '--bind', '/src/b:/opt/b:norbind,rootidmap']));
    expect(argv).toEqual(expect.arrayContaining(['--bind-user', 'alice', '--bind-user-group=wheel']));
  });

  test('settings shell and boot do not honour yet are named', () => {
    expect(unsupportedRuntimeSettings({ Ephemeral: true, NSpawnSettings: '/x.nspawn', RuntimeBuildSources: false })).toEqual(['Ephemeral=', 'NSpawnSettings=']);
    expect(unsupportedRuntimeSettings({})).toEqual([]);
  });
});
