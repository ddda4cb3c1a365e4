import { describe, expect, test } from 'vitest';
import { kali } from '../../../../../src/nodes/packages/distro/kali.js';
import { ubuntu } from '../../../../../src/nodes/packages/distro/ubuntu.js';
import type { DistroOptions } from '../../../../../src/nodes/packages/distro/types.js';

const NO_HOST = { sources: [], searched: [] };
const base = (o: Partial<DistroOptions>): DistroOptions => ({ release: 'noble', architecture: 'x86-64', repositories: [], host: NO_HOST, ...o });

describe('Ubuntu', () => {
  test('Mirror= is the archive URL; release, -updates, -security; Snapshot= becomes a field', () => {
    const r = ubuntu.repositories(base({ mirror: 'http://ubuntu-mirror.example/ubuntu', repositories: ['universe'], snapshot: '20250101T000000Z' }), 'build');
    expect(r.ok && r.value.map((x) => `${x.uri} ${x.suite} ${x.components.join(',')} ${x.snapshot ?? ''}`)).toEqual([
      'http://ubuntu-mirror.example/ubuntu noble main,universe 20250101T000000Z',
      'http://ubuntu-mirror.example/ubuntu noble-updates main,universe 20250101T000000Z',
      'http://ubuntu-mirror.example/ubuntu noble-security main,universe 20250101T000000Z',
    ]);
    expect(r.ok && r.value[0]?.signedBy).toBe('/usr/share/keyrings/ubuntu-archive-keyring.gpg');
  });

  test('a Debian host has no Ubuntu archive: Mirror= is required', () => {
    const host = { searched: ['/etc/apt/sources.list'], sources: [{ types: ['deb' as const], uri: 'http://m.example/debian', suites: ['bookworm'], components: ['main'], origin: 'x' }] };
    expect(ubuntu.repositories(base({ host }), 'build')).toMatchObject({ ok: false, error: { code: 'MIRROR_REQUIRED', distribution: 'ubuntu' } });
  });

  test('the host\'s Ubuntu sources are the default', () => {
    const host = { searched: [], sources: [
      { types: ['deb' as const], uri: 'http://u.example/ubuntu/', suites: ['noble', 'noble-updates'], components: ['main'], origin: 'x' },
      { types: ['deb' as const], uri: 'http://sec.example/ubuntu', suites: ['noble-security'], components: ['main'], origin: 'x' },
    ] };
    const r = ubuntu.repositories(base({ host }), 'build');
    expect(r.ok && r.value.map((x) => x.uri)).toEqual(['http://u.example/ubuntu', 'http://u.example/ubuntu', 'http://sec.example/ubuntu']);
    expect(ubuntu.defaultRelease).toBe('devel');
  });
});

describe('Kali', () => {
  test('one rolling suite; no snapshots; four architectures', () => {
    const r = kali.repositories(base({ release: 'kali-rolling', mirror: 'http://kali.example/kali' }), 'build');
    expect(r.ok && r.value.map((x) => `${x.uri} ${x.suite} ${x.signedBy ?? ''}`)).toEqual([
      'http://kali.example/kali kali-rolling /usr/share/keyrings/kali-archive-keyring.gpg',
    ]);
    expect(kali.repositories(base({ snapshot: 'x', mirror: 'http://k.example' }), 'build')).toMatchObject({ ok: false, error: { setting: 'Snapshot' } });
    expect(kali.architecture('riscv64').ok).toBe(false);
    expect(kali.architecture('arm64')).toEqual({ ok: true, value: 'arm64' });
    expect(kali.repositories(base({ release: 'kali-rolling' }), 'build')).toMatchObject({ ok: false, error: { code: 'MIRROR_REQUIRED' } });
  });
});
