import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BUILD_SETTINGS } from '../../../../src/config/settings/build-section.js';
import type { SettingDef } from '../../../../src/config/settings/types.js';
import { defaultContext, defaultOf, parseAll, parseEnv } from './default-context.js';

const defs = new Map<string, SettingDef>((BUILD_SETTINGS as readonly SettingDef[]).map((d) => [d.name, d]));
const def = (name: string): SettingDef => {
  const found = defs.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};
const dir = mkdtempSync(join(tmpdir(), 'mkb-build-'));
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'open.pem'), 'k');
chmodSync(join(dir, 'open.pem'), 0o644);
const env = parseEnv(dir, { FOO: 'from-env' });
const parse = (name: string, ...raws: string[]): unknown => parseAll(def(name), raws, env);

describe('[Build] table', () => {
  test('27.1 order, with ToolsTreeSnapshot after the mirror and DelegateRanges last', () => {
    expect([...defs.keys()]).toEqual([
      'ToolsTree', 'ToolsTreeDistribution', 'ToolsTreeRelease', 'ToolsTreeProfiles', 'ToolsTreeMirror', 'ToolsTreeSnapshot',
      'ToolsTreeRepositories', 'ToolsTreeSandboxTrees', 'ToolsTreePackages', 'ToolsTreePackageDirectories',
      'ToolsTreeCertificates', 'ExtraSearchPaths', 'Incremental', 'CacheOnly', 'SandboxTrees', 'WorkspaceDirectory',
      'CacheDirectory', 'CacheKey', 'PackageCacheDirectory', 'BuildDirectory', 'BuildKey', 'UseSubvolumes',
      'RepartOffline', 'History', 'BuildSources', 'BuildSourcesEphemeral', 'Environment', 'EnvironmentFiles',
      'WithTests', 'WithNetwork', 'ProxyUrl', 'ProxyExclude', 'ProxyPeerCertificate', 'ProxyClientCertificate',
      'ProxyClientKey', 'MakeScriptsExecutable', 'ForeignUIDRange', 'DelegateRanges',
    ]);
  });

  test('tools-scope settings are not in the image JSON and name their tools tree setting', () => {
    const tools = [...defs.values()].filter((d) => d.scope === 'tools');
    expect(tools.map((d) => [d.name, d.toolsTarget, d.jsonKey])).toEqual([
      ['ToolsTreeDistribution', 'Distribution', null], ['ToolsTreeRelease', 'Release', null],
      ['ToolsTreeProfiles', 'Profiles', null], ['ToolsTreeMirror', 'Mirror', null], ['ToolsTreeSnapshot', 'Snapshot', null],
      ['ToolsTreeRepositories', 'Repositories', null], ['ToolsTreeSandboxTrees', 'SandboxTrees', null],
      ['ToolsTreePackages', 'Packages', null], ['ToolsTreePackageDirectories', 'PackageDirectories', null],
    ]);
  });

  test('only SandboxTrees, Environment and EnvironmentFiles may be set in the tools tree config', () => {
    expect([...defs.values()].filter((d) => d.tools).map((d) => d.name)).toEqual(['SandboxTrees', 'Environment', 'EnvironmentFiles']);
  });

  test('default paths, short flags, compat names and matchers', () => {
    expect(def('ToolsTree').paths).toEqual([{ path: 'mkosi.tools' }]);
    expect(def('SandboxTrees').paths?.map((p) => p.path)).toEqual(['mkosi.sandbox', 'mkosi.sandbox.tar', 'mkosi.pkgmngr', 'mkosi.pkgmngr.tar']);
    expect(['CacheDirectory', 'PackageCacheDirectory', 'BuildDirectory', 'EnvironmentFiles'].map((n) => def(n).paths?.[0]?.path))
      .toEqual(['mkosi.cache', 'mkosi.pkgcache', 'mkosi.builddir', 'mkosi.env']);
    expect(def('Environment').cli).toMatchObject({ long: '--environment', short: '-E' });
    expect(def('WithTests').cli).toMatchObject({ short: '-T', shortConst: 'no' });
    expect(def('Incremental').cli).toMatchObject({ short: '-i', shortConst: 'yes' });
    expect(def('SandboxTrees').compatNames).toEqual(['PackageManagerTrees']);
    expect(def('ToolsTreeSandboxTrees').compatNames).toEqual(['ToolsTreePackageManagerTrees']);
    expect(['Environment', 'BuildSources', 'ToolsTreeDistribution', 'ToolsTreeRelease'].map((n) => def(n).match))
      .toEqual(['environment', 'build-sources', 'equal', 'equal']);
  });
});

describe('[Build] defaults (empty config, 27.1 as root on Debian)', () => {
  test.each([
    ['ToolsTree', null], ['ToolsTreeCertificates', true], ['Incremental', 'no'], ['CacheOnly', 'auto'],
    ['CacheKey', '&d~&r~&a~&I'], ['BuildKey', '&d~&r~&a'], ['UseSubvolumes', 'auto'], ['RepartOffline', true],
    ['BuildSourcesEphemeral', 'no'], ['Environment', {}], ['WithTests', true], ['WithNetwork', false],
    ['ProxyUrl', null], ['ProxyExclude', null], ['ProxyPeerCertificate', '/etc/ssl/certs/ca-certificates.crt'],
    ['ProxyClientKey', null], ['DelegateRanges', 0], ['ToolsTreeProfiles', ['misc', 'package-manager', 'runtime']],
  ])('%s', (name, expected) => {
    expect(defaultOf(def(name))).toEqual(expected);
  });

  test('DelegateRanges is 3 for other users', () => {
    expect(defaultOf(def('DelegateRanges'), defaultContext({}, { uid: 1000 }))).toBe(3);
  });

  test('BuildSources is the --directory, or nothing with -C ""', () => {
    expect(defaultOf(def('BuildSources'))).toEqual([{ Source: '/src/proj', Target: null }]);
    expect(defaultOf(def('BuildSources'), defaultContext({}, { directory: null }))).toEqual([]);
  });

  test('ToolsTreeDistribution follows the host: Ubuntu → debian, RHEL-likes → fedora', () => {
    const of = (distribution: string) => defaultOf(def('ToolsTreeDistribution'), defaultContext({}, { distribution }));
    expect([of('debian'), of('ubuntu'), of('centos'), of('alma'), of('rhel-ubi'), of('arch'), of('custom')])
      .toEqual(['debian', 'debian', 'fedora', 'fedora', 'fedora', 'arch', 'custom']);
  });

  test("ToolsTreeRelease is the distribution's hardcoded release, not the host's", () => {
    const of = (ToolsTreeDistribution: string) => defaultOf(def('ToolsTreeRelease'), defaultContext({ ToolsTreeDistribution }));
    expect([of('debian'), of('fedora'), of('ubuntu'), of('custom')]).toEqual(['testing', 'rawhide', 'devel', '']);
  });

  test('ToolsTreeMirror/Snapshot take the image value only for the same distribution', () => {
    const same = defaultContext({ Distribution: 'debian', ToolsTreeDistribution: 'debian', Mirror: 'http://m', Snapshot: 's' });
    const other = defaultContext({ Distribution: 'debian', ToolsTreeDistribution: 'fedora', Mirror: 'http://m', Snapshot: 's' });
    expect([defaultOf(def('ToolsTreeMirror'), same), defaultOf(def('ToolsTreeSnapshot'), same)]).toEqual(['http://m', 's']);
    expect([defaultOf(def('ToolsTreeMirror'), other), defaultOf(def('ToolsTreeSnapshot'), other)]).toEqual([null, null]);
  });

  test('ProxyUrl: host http_proxy, https_proxy, HTTP_PROXY, HTTPS_PROXY in that order', () => {
    const of = (env: Record<string, string>) => defaultOf(def('ProxyUrl'), defaultContext({ Environment: {} }, { env }));
    expect(of({ HTTP_PROXY: 'http://H', https_proxy: 'http://s' })).toBe('http://s');
    expect(of({ http_proxy: '' })).toBe('');
    expect(of({})).toBeNull();
  });

  test('ProxyUrl/ProxyExclude: a proxy variable named in Environment= gives the empty string (27.1 quirk)', () => {
    const ctx = defaultContext({ Environment: { HTTPS_PROXY: 'http://e', no_proxy: 'a,b' } }, { env: { http_proxy: 'http://h' } });
    expect(defaultOf(def('ProxyUrl'), ctx)).toBe('');
    expect(defaultOf(def('ProxyExclude'), ctx)).toEqual(['']);
  });

  test('ProxyExclude splits no_proxy (before NO_PROXY) on commas only', () => {
    const of = (env: Record<string, string>) => defaultOf(def('ProxyExclude'), defaultContext({}, { env }));
    expect(of({ NO_PROXY: 'a,,b, c' })).toEqual(['a', '', 'b', ' c']);
    expect(of({ NO_PROXY: 'N', no_proxy: 'n' })).toEqual(['n']);
  });

  test('ProxyExclude without no_proxy is null for the main image only', () => {
    expect(defaultOf(def('ProxyExclude'), { ...defaultContext(), image: 'tools' })).toEqual([]);
    expect(defaultOf(def('ProxyExclude'), { ...defaultContext(), image: 'sub' })).toEqual([]);
  });

  test('ProxyClientKey defaults to the client certificate', () => {
    expect(defaultOf(def('ProxyClientKey'), defaultContext({ ProxyClientCertificate: '/c.pem' }))).toBe('/c.pem');
  });

  test('an empty assignment of these computed settings prints null', () => {
    const emptyIsNull = [...defs.values()].filter((d) => d.emptyIsNull).map((d) => d.name);
    expect(emptyIsNull).toEqual(['ToolsTreeMirror', 'ToolsTreeSnapshot', 'ProxyUrl', 'ProxyPeerCertificate', 'ProxyClientKey']);
  });
});

describe('[Build] parsers', () => {
  test('ToolsTree: yes/default build the default tree, no is none, anything else an existing path', () => {
    expect(parse('ToolsTree', 'yes')).toBe('default');
    expect(parse('ToolsTree', 'default')).toBe('default');
    expect(parse('ToolsTree', 'yes', 'no')).toBeNull();
    expect(parse('ToolsTree', 'src')).toBe(join(dir, 'src'));
    expect(() => parse('ToolsTree', 'true')).toThrow(/does not exist/);
  });

  test('enums with boolean aliases', () => {
    expect(['yes', 'no', 'strict', 'true', '1', ''].map((v) => parse('Incremental', v))).toEqual(['yes', 'no', 'strict', 'yes', 'yes', 'no']);
    expect(['always', 'never', 'metadata', 'yes', 'no'].map((v) => parse('CacheOnly', v))).toEqual(['always', 'never', 'metadata', 'always', 'auto']);
    expect(() => parse('CacheOnly', 'none')).toThrow("Invalid boolean literal: 'none'");
    expect(['buildcache', 'true', '0'].map((v) => parse('BuildSourcesEphemeral', v))).toEqual(['buildcache', 'yes', 'no']);
  });

  test('ExtraSearchPaths must exist and must not be written below /usr', () => {
    expect(parse('ExtraSearchPaths', 'src,/tmp')).toEqual([join(dir, 'src'), '/tmp']);
    expect(() => parse('ExtraSearchPaths', '/usr/bin')).toThrow('/usr/bin can not be relative to /usr');
    expect(() => parse('ExtraSearchPaths', '/a:/b')).toThrow(/does not exist/);
  });

  test('SandboxTrees need absolute targets; BuildSources keep relative or absolute ones', () => {
    expect(() => parse('SandboxTrees', 'src:rel')).toThrow('rel must be an absolute path');
    expect(parse('BuildSources', '.:/abs,src:rel/x', 'src:', 'src:./y/')).toEqual([
      { Source: dir, Target: '/abs' }, { Source: join(dir, 'src'), Target: 'rel/x' },
      { Source: join(dir, 'src'), Target: '.' }, { Source: join(dir, 'src'), Target: 'y' },
    ]);
    expect(() => parse('BuildSources', 'missing')).toThrow(/does not exist/);
  });

  test('cache and build directories need not exist; ~ is expanded', () => {
    expect(parse('CacheDirectory', '~/c')).toBe('/home/u/c');
    expect(parse('WorkspaceDirectory', 'missing')).toBe(join(dir, 'missing'));
  });

  test('CacheKey/BuildKey keep delayed & specifiers verbatim; an empty value resets', () => {
    expect(parse('CacheKey', 'debian-&d-&x')).toBe('debian-&d-&x');
    expect(parse('BuildKey', '-')).toBe('-');
    expect(parse('CacheKey', 'foo', '')).toBeNull();
  });

  test('Environment: shell words, bare names from the environment, later keys win, empty names kept', () => {
    expect(parse('Environment', 'A=1 "B=two words" FOO NOTSET', 'A=3 =x')).toEqual({ A: '3', B: 'two words', FOO: 'from-env', NOTSET: '', '': 'x' });
  });

  test('EnvironmentFiles must exist', () => {
    expect(() => parse('EnvironmentFiles', 'missing')).toThrow(/does not exist/);
  });

  test('ProxyExclude appends, resets to an empty list', () => {
    expect(parse('ProxyExclude', 'a,b c', 'd')).toEqual(['a', 'b', 'c', 'd']);
    expect(parse('ProxyExclude', 'a', '')).toEqual([]);
  });

  test('proxy client certificate and key must be private; the peer certificate must exist', () => {
    expect(() => parse('ProxyClientCertificate', 'open.pem')).toThrow(/too open/);
    expect(() => parse('ProxyClientKey', 'open.pem')).toThrow(/too open/);
    expect(parse('ProxyPeerCertificate', 'open.pem')).toBe(join(dir, 'open.pem'));
    expect(() => parse('ProxyPeerCertificate', 'missing')).toThrow(/does not exist/);
  });

  test('DelegateRanges: any Python integer; an empty value is refused', () => {
    expect(['-1', ' 5', '+3', '1_0'].map((v) => parse('DelegateRanges', v))).toEqual([-1, 5, 3, 10]);
    expect(() => parse('DelegateRanges', 'x')).toThrow("'x' is not a valid integer");
    expect(() => parse('DelegateRanges', '0x3')).toThrow("'0x3' is not a valid integer");
    expect(() => parse('DelegateRanges', '')).toThrow("'' is not a valid integer");
  });
});

describe('[Build] argparse choices (27.1 --help)', () => {
  test('enum options refuse other values on the command line; some do not allow an empty value', () => {
    expect(def('Incremental').cli?.choices).toEqual(['yes', 'no', 'strict']);
    expect(def('CacheOnly').cli?.choices).toEqual(['always', 'auto', 'auto', 'metadata', 'never', '']);
    expect(def('BuildSourcesEphemeral').cli?.choices).toEqual(['yes', 'no', 'buildcache']);
    expect(def('ToolsTreeDistribution').cli?.choices?.at(-1)).toBe('');
  });
});
