import { describe, expect, test } from 'vitest';
import { debian } from '../../../../../src/nodes/packages/distro/debian.js';
import type { HostAptSources } from '../../../../../src/nodes/packages/distro/host-apt-sources.js';
import { parseDeb822Sources } from '../../../../../src/nodes/packages/distro/host-apt-sources.js';
import type { AptRepository, DistroOptions } from '../../../../../src/nodes/packages/distro/types.js';
import { describePackageFailure } from '../../../../../src/nodes/packages/package-failure.js';

const HOST: HostAptSources = {
  searched: ['/etc/apt/sources.list.d/debian.sources'],
  sources: parseDeb822Sources([
    'Types: deb', 'URIs: http://mirror.example/debian/', 'Suites: bookworm bookworm-updates', 'Components: main', '',
    'Types: deb', 'URIs: http://mirror.example/debian-security', 'Suites: bookworm-security', 'Components: main', '',
    'Types: deb', 'URIs: http://vendor.example/apt', 'Suites: nodistro', 'Components: main', '',
  ].join('\n'), '/etc/apt/sources.list.d/debian.sources'),
};

function options(overrides: Partial<DistroOptions> = {}): DistroOptions {
  return { release: 'bookworm', architecture: 'x86-64', repositories: [], host: HOST, ...overrides };
}

const lines = (repos: readonly AptRepository[]): string[] =>
  repos.map((r) => `${r.types.join('+')} ${r.uri} ${r.suite} ${r.components.join(',')} ${r.signedBy ?? 'trusted'}${r.snapshot ? ` @${r.snapshot}` : ''}`);

function build(o: DistroOptions): string[] {
  const r = debian.repositories(o, 'build');
  if (!r.ok) throw new Error(describePackageFailure(r.error).message);
  return lines(r.value);
}

const KEY = '/usr/share/keyrings/debian-archive-keyring.gpg';

describe('Debian repositories', () => {
  test('bookworm from the host: archive, updates and security, binary indexes only', () => {
    expect(build(options())).toEqual([
      `deb http://mirror.example/debian bookworm main ${KEY}`,
      `deb http://mirror.example/debian bookworm-updates main ${KEY}`,
      `deb http://mirror.example/debian-security bookworm-security main ${KEY}`,
    ]);
  });

  test('trixie uses the same host archive; Repositories= adds components', () => {
    expect(build(options({ release: 'trixie', repositories: ['contrib', 'non-free-firmware'] }))).toEqual([
      `deb http://mirror.example/debian trixie main,contrib,non-free-firmware ${KEY}`,
      `deb http://mirror.example/debian trixie-updates main,contrib,non-free-firmware ${KEY}`,
      `deb http://mirror.example/debian-security trixie-security main,contrib,non-free-firmware ${KEY}`,
    ]);
  });

  test('sid and unstable have neither updates nor security', () => {
    expect(build(options({ release: 'sid' }))).toEqual([`deb http://mirror.example/debian sid main ${KEY}`]);
    expect(build(options({ release: 'unstable' }))).toEqual([`deb http://mirror.example/debian unstable main ${KEY}`]);
  });

  test('Mirror= is the base under which debian/ lives; security still comes from the host', () => {
    expect(build(options({ mirror: 'https://local.example/mirror/' }))).toEqual([
      `deb https://local.example/mirror/debian bookworm main ${KEY}`,
      `deb https://local.example/mirror/debian bookworm-updates main ${KEY}`,
      `deb http://mirror.example/debian-security bookworm-security main ${KEY}`,
    ]);
  });

  test('Mirror= on a host without sources: security is the mirror\'s sibling archive', () => {
    expect(build(options({ mirror: 'http://local.example', host: { sources: [], searched: [] } }))).toContain(
      `deb http://local.example/debian-security bookworm-security main ${KEY}`);
  });

  test('a host debug source adds the -debug suite', () => {
    const host: HostAptSources = { searched: [], sources: [...HOST.sources, ...parseDeb822Sources(
      'Types: deb\nURIs: http://debug.example/debian-debug\nSuites: bookworm-debug\nComponents: main\n', 'd.sources')] };
    expect(build(options({ host }))).toContain(`deb http://debug.example/debian-debug bookworm-debug main ${KEY}`);
  });

  test('Snapshot= with Mirror= uses the snapshot service layout and drops -updates', () => {
    expect(build(options({ mirror: 'https://snapshots.example', snapshot: '20250520T000000Z' }))).toEqual([
      `deb https://snapshots.example/archive/debian/20250520T000000Z bookworm main ${KEY}`,
      `deb https://snapshots.example/archive/debian-debug/20250520T000000Z bookworm-debug main ${KEY}`,
      `deb https://snapshots.example/archive/debian-security/20250520T000000Z bookworm-security main ${KEY}`,
    ]);
  });

  test('Snapshot= without Mirror= is an error that says what to set', () => {
    const r = debian.repositories(options({ snapshot: '20250520T000000Z' }), 'build');
    expect(r).toMatchObject({ ok: false, error: { code: 'SETTING_INVALID', setting: 'Snapshot' } });
  });

  test('LocalMirror= replaces everything with one trusted repository for the build', () => {
    expect(build(options({ localMirror: 'file:///srv/mirror', mirror: 'http://ignored.example' }))).toEqual([
      'deb file:///srv/mirror bookworm main trusted',
    ]);
  });

  test('the image\'s own sources ignore Mirror=, Snapshot= and LocalMirror= and include deb-src', () => {
    const r = debian.repositories(options({ mirror: 'http://m.example', snapshot: 'x', localMirror: 'file:///l' }), 'image');
    expect(r.ok && lines(r.value)[0]).toBe(`deb+deb-src http://mirror.example/debian bookworm main ${KEY}`);
  });

  test('no mirror anywhere: Mirror= is required and the message names the files searched', () => {
    const r = debian.repositories(options({ host: { sources: HOST.sources.slice(2), searched: ['/etc/apt/sources.list'] } }), 'build');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('MIRROR_REQUIRED');
    const text = describePackageFailure(r.error);
    expect(text.message).toContain('/etc/apt/sources.list');
    expect(text.hint).toContain('Mirror=');
  });
});

describe('Debian facts', () => {
  test('bootstrap set, default release, architectures, kernel packages', () => {
    expect(debian.bootstrapPackages('arm64')).toEqual(['?essential ?architecture(arm64)', 'base-files']);
    expect(debian.defaultRelease).toBe('testing');
    expect(debian.architecture('x86-64')).toEqual({ ok: true, value: 'amd64' });
    expect(debian.architecture('ppc64-le')).toEqual({ ok: true, value: 'ppc64el' });
    expect(debian.architecture('tilegx')).toMatchObject({ ok: false, error: { code: 'SETTING_INVALID', setting: 'Architecture' } });
    expect(debian.isKernelPackage('linux-image-amd64')).toBe(true);
    expect(debian.isKernelPackage('linux-headers-amd64')).toBe(false);
  });
});
