import { describe, expect, test } from 'vitest';
import { bwrapArgv, unshareArgv } from '../../../../src/nodes/sandbox/sandbox-command.js';

describe('bubblewrap', () => {
  test('chroot mode: the root becomes /, API file systems mounted, no network unless allowed', () => {
    expect(bwrapArgv({ mode: 'chroot', root: '/img', argv: ['dpkg-query', '-W'], network: false })).toEqual([
      'bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net',
      '--bind', '/img', '/', '--proc', '/proc', '--dev', '/dev', '--ro-bind', '/sys', '/sys', '--tmpfs', '/run',
      '--tmpfs', '/tmp', '--chdir', '/', '--', 'dpkg-query', '-W',
    ]);
  });

  test('host mode: host tools see the image at its path with its own /proc, /dev, /sys, /run; extra mounts last', () => {
    const argv = bwrapArgv({
      mode: 'host', root: '/work/root/', argv: ['apt-get', 'install'], network: true,
      mounts: [{ type: 'ro-bind', source: '/meta/etc/apt', target: '/etc/apt' }, { type: 'tmpfs', target: '/var/tmp' }],
    });
    expect(argv).not.toContain('--unshare-net');
    expect(argv.join(' ')).toContain('--bind / / --proc /work/root/proc --dev /work/root/dev --ro-bind /sys /work/root/sys --tmpfs /work/root/run '
      + '--ro-bind /meta/etc/apt /etc/apt --tmpfs /var/tmp --chdir / -- apt-get install');
  });
});

describe('unshare fallback', () => {
  test('mounts the API file systems in a private mount namespace, then chroots and execs', () => {
    const argv = unshareArgv({ mode: 'chroot', root: '/img', argv: ['sh', '-c', 'echo $0'], network: false, cwd: '/root' });
    expect(argv.slice(0, 9)).toEqual(['unshare', '--mount', '--pid', '--fork', '--ipc', '--uts', '--propagation', 'private', '--net']);
    const script = argv[argv.indexOf('-c') + 1] ?? '';
    expect(script).toContain('mount -t proc proc /img/proc');
    expect(script).toContain('mount --rbind /dev /img/dev');
    expect(script).toContain('mount -o remount,bind,ro /img/sys');
    expect(script).toContain('mount -t tmpfs tmpfs /img/run');
    expect(script).toMatch(/exec chroot \/img sh -c .* sh \/root "\$@"$/);
    expect(argv.slice(-4)).toEqual(['sh', 'sh', '-c', 'echo $0']);
  });

  test('host mode binds extra mounts at host paths and keeps the network when allowed', () => {
    const argv = unshareArgv({ mode: 'host', root: '/r', argv: ['true'], network: true, mounts: [{ type: 'ro-bind', source: '/a b', target: '/etc/apt' }] });
    expect(argv).not.toContain('--net');
    const script = argv[argv.indexOf('-c') + 1] ?? '';
    expect(script).toContain("mount --bind '/a b' /etc/apt\nmount -o remount,bind,ro /etc/apt");
  });
});
