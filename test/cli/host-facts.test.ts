import { describe, expect, test } from 'vitest';
import { architectureFromMachine, gatherHostFacts, parseOsRelease } from '../../src/cli/host-facts.js';

describe('host facts', () => {
  test('os-release values are unquoted', () => {
    expect(parseOsRelease('ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n# c\nVERSION_ID=\'12\'\n')).toEqual({
      ID: 'debian', PRETTY_NAME: 'Debian GNU/Linux 12 (bookworm)', VERSION_ID: '12',
    });
  });

  test('$MKOSI_HOST_DISTRIBUTION and $MKOSI_HOST_RELEASE override the host os-release', () => {
    const facts = gatherHostFacts({ env: { HOME: '/h', MKOSI_HOST_DISTRIBUTION: 'fedora', MKOSI_HOST_RELEASE: '40' }, directory: '/d' });
    expect([facts.distribution, facts.release]).toEqual(['fedora', '40']);
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
