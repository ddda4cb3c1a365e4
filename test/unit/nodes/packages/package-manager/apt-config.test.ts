import { describe, expect, test } from 'vitest';
import { aptEnvironment, aptOptions, dpkgOptions, renderAptConf, renderSources } from '../../../../../src/nodes/packages/package-manager/apt/apt-config.js';
import type { AptPaths, AptSettings } from '../../../../../src/nodes/packages/package-manager/apt/apt-config.js';

const SETTINGS: AptSettings = { architecture: 'amd64', withRecommends: false, withDocs: true, repositoryKeyCheck: true };
const PATHS: AptPaths = {
  etc: '/m/etc/apt', lists: '/m/lists', state: '/s/state', status: '/s/status', cache: '/s/cache', archives: '/var/cache/pkgs', log: '/s/log',
};

/** The `-o` options as a map (repeated keys joined with ` | `). */
function optionMap(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    expect(argv[i]).toBe('-o');
    const [k, ...v] = (argv[i + 1] ?? '').split('=');
    const key = k ?? '';
    out.set(key, out.has(key) ? `${out.get(key) ?? ''} | ${v.join('=')}` : v.join('='));
  }
  return out;
}

describe('apt options', () => {
  test('every directory apt touches is private; the download cache is the shared one', () => {
    const o = optionMap(aptOptions(SETTINGS, PATHS));
    expect(o.get('Dir::Etc')).toBe('/m/etc/apt');
    expect(o.get('Dir::State::Lists')).toBe('/m/lists');
    expect(o.get('Dir::State')).toBe('/s/state');
    expect(o.get('Dir::State::status')).toBe('/s/status');
    expect(o.get('Dir::Cache')).toBe('/s/cache');
    expect(o.get('Dir::Cache::Archives')).toBe('/var/cache/pkgs');
    expect(o.get('Dir::Log')).toBe('/s/log');
    expect(o.get('Debug::NoLocking')).toBe('true');
    expect(o.get('APT::Architecture')).toBe('amd64');
    expect(o.get('APT::Architectures')).toBe('amd64');
    expect(o.get('APT::Install-Recommends')).toBe('false');
    expect(o.has('DPkg::Options:')).toBe(false);
    expect(o.has('Acquire::AllowInsecureRepositories')).toBe(false);
  });

  test('WithRecommends=yes, RepositoryKeyCheck=no', () => {
    const o = optionMap(aptOptions({ ...SETTINGS, withRecommends: true, repositoryKeyCheck: false }, PATHS));
    expect(o.get('APT::Install-Recommends')).toBe('true');
    expect(o.get('Acquire::AllowInsecureRepositories')).toBe('true');
    expect(o.get('APT::Get::AllowUnauthenticated')).toBe('true');
  });

  test('with a root, dpkg installs into it; WithDocs=no excludes documentation but keeps copyright files', () => {
    const argv = aptOptions({ ...SETTINGS, withDocs: false }, { ...PATHS, root: '/img' });
    const dpkg = argv.filter((a) => a.startsWith('DPkg::Options::=')).map((a) => a.slice('DPkg::Options::='.length));
    expect(dpkg).toEqual(dpkgOptions({ ...SETTINGS, withDocs: false }, '/img'));
    expect(dpkg).toContain('--root=/img');
    expect(dpkg).toContain('--path-exclude=/usr/share/doc/*');
    expect(dpkg).toContain('--path-exclude=/usr/share/man/*');
    expect(dpkg.at(-1)).toBe('--path-include=/usr/share/doc/*/copyright');
    expect(dpkgOptions(SETTINGS, '/img').some((o) => o.startsWith('--path-'))).toBe(false);
  });

  test('APT_CONFIG sets Dir::Etc before apt reads any configuration directory', () => {
    expect(renderAptConf('/m/etc/apt')).toBe('Dir::Etc "/m/etc/apt";\nDir::Etc::main "apt.conf";\nDir::Etc::parts "apt.conf.d";\n');
    expect(aptEnvironment('/s/apt.conf')).toMatchObject({ APT_CONFIG: '/s/apt.conf', DEBIAN_FRONTEND: 'noninteractive' });
  });
});

describe('deb822 sources', () => {
  test('signed-by per repository; a repository without a key is trusted; snapshot field', () => {
    expect(renderSources([
      { types: ['deb'], uri: 'http://mirror.example/debian', suite: 'bookworm', components: ['main', 'contrib'], signedBy: '/k.gpg' },
      { types: ['deb', 'deb-src'], uri: 'file:///srv/mirror', suite: 'bookworm', components: ['main'] },
      { types: ['deb'], uri: 'http://u.example/ubuntu', suite: 'noble', components: ['main'], signedBy: '/u.gpg', snapshot: '20250101T000000Z' },
    ])).toBe([
      'Types: deb', 'URIs: http://mirror.example/debian', 'Suites: bookworm', 'Components: main contrib', 'Signed-By: /k.gpg', '',
      'Types: deb deb-src', 'URIs: file:///srv/mirror', 'Suites: bookworm', 'Components: main', 'Trusted: yes', '',
      'Types: deb', 'URIs: http://u.example/ubuntu', 'Suites: noble', 'Components: main', 'Signed-By: /u.gpg', 'Snapshot: 20250101T000000Z', '',
    ].join('\n'));
  });
});
