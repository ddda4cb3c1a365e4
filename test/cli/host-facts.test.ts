import { describe, expect, test } from 'vitest';
import { architectureFromMachine, distributionFromOsRelease, gatherHostFacts, parseOsRelease } from '../../src/cli/host-facts.js';

describe('host facts', () => {
  test('os-release values are unquoted', () => {
    expect(parseOsRelease('ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n# c\nVERSION_ID=\'12\'\n')).toEqual({
      ID: 'debian', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', VERSION_ID: '12',
    });
  });

  test.each([
    [{ ID: 'debian', VERSION_ID: '12', VERSION_CODENAME: 'bookworm' }, 'debian', 'bookworm'],
    [{ ID: 'ubuntu', VERSION_ID: '24.04', VERSION_CODENAME: 'noble' }, 'ubuntu', 'noble'],
    [{ ID: 'fedora', VERSION_ID: '41' }, 'fedora', '41'],
    [{ ID: 'almalinux', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.4' }, 'alma', '9.4'],
    [{ ID: 'opensuse-tumbleweed', VERSION_ID: '20240101' }, 'opensuse', '20240101'],
    [{ ID: 'linuxmint', ID_LIKE: 'ubuntu debian', VERSION_CODENAME: 'wilma' }, 'ubuntu', 'wilma'],
    [{ ID: 'arch' }, 'arch', null],
    [{ ID: 'gentoo', VERSION_ID: '2.15' }, 'custom', '2.15'],
  ])('%o is %s %s', (fields, distribution, release) => {
    expect(distributionFromOsRelease(fields)).toEqual({ distribution, release });
  });

  test('uname -m names map to mkosi architectures', () => {
    expect(architectureFromMachine('x86_64')).toBe('x86-64');
    expect(architectureFromMachine('aarch64')).toBe('arm64');
    expect(architectureFromMachine('ppc64le')).toBe('ppc64-le');
    expect(architectureFromMachine('i686')).toBe('x86');
  });

  test('gathers the environment and directory it is given, and fresh UUIDs', () => {
    const facts = gatherHostFacts({ env: { HOME: '/h', X: '1' }, directory: '/d' });
    expect(facts.home).toBe('/h');
    expect(facts.env).toEqual({ HOME: '/h', X: '1' });
    expect(facts.directory).toBe('/d');
    expect(facts.randomUuid()).not.toBe(facts.randomUuid());
    expect(facts.randomUuid()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('systemd version', () => {
  test('is the number after "systemd" on the first line', async () => {
    const { systemdVersionFrom } = await import('../../src/cli/host-facts.js');
    expect(systemdVersionFrom('systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT')).toBe('252');
    expect(systemdVersionFrom('')).toBeNull();
  });
});
