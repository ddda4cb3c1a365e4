// [Distribution] settings: defaults from host facts, host detection from os-release, per-distribution facts.
// Expected values come from mkosi 27.1 runs (os-release bind-mounted over the host's for detection).
import { describe, expect, test } from 'vitest';
import {
  ARCHITECTURES, DISTRIBUTIONS, defaultFilesystem, detectHostDistribution, distributionFacts, isUefiArchitecture,
} from '../../../../src/config/distributions.js';
import { DISTRIBUTION_SETTINGS, defaultRelease, defaultRepositoryKeyFetch } from '../../../../src/config/settings/distribution-section.js';
import type { DefaultContext, HostFacts } from '../../../../src/config/settings/types.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

function host(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    distribution: 'debian', release: 'bookworm', architecture: 'x86-64', env: {}, home: '/root', directory: null,
    caBundle: null, uid: 0, randomUuid: () => '00000000-0000-4000-8000-000000000001', ...overrides,
  };
}

function context(values: Readonly<Record<string, unknown>>, facts: HostFacts = host()): DefaultContext {
  return { get: (name) => values[name] ?? null, host: facts, image: 'main' };
}

const env: ParseEnv = { cwd: '/cfg', env: {}, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000001' };
const byName = new Map(DISTRIBUTION_SETTINGS.map((def) => [def.name as string, def]));

function defaultOf(name: string, ctx: DefaultContext): unknown {
  const rule = byName.get(name)?.default;
  if (!rule) return undefined;
  return 'value' in rule ? rule.value : rule.compute(ctx);
}

describe('Distribution, Release and Architecture defaults', () => {
  test('the host distribution and architecture', () => {
    const ctx = context({}, host({ distribution: 'fedora', architecture: 'arm64' }));
    expect(defaultOf('Distribution', ctx)).toBe('fedora');
    expect(defaultOf('Architecture', ctx)).toBe('arm64');
  });

  test('the host release only when building the host distribution', () => {
    expect(defaultRelease(context({ Distribution: 'debian' }))).toBe('bookworm');
    expect(defaultRelease(context({ Distribution: 'fedora' }))).toBe('rawhide');
    expect(defaultRelease(context({ Distribution: 'debian' }, host({ release: null })))).toBe('testing');
  });

  test('every distribution has the default release and %F file system 27.1 prints', () => {
    const expected = {
      fedora: ['rawhide', 'btrfs'], debian: ['testing', 'ext4'], kali: ['kali-rolling', 'ext4'], ubuntu: ['devel', 'ext4'],
      postmarketos: ['edge', 'ext4'], arch: ['rolling', 'ext4'], opensuse: ['tumbleweed', 'btrfs'], mageia: ['cauldron', 'ext4'],
      centos: ['10', 'xfs'], rhel: ['10', 'xfs'], 'rhel-ubi': ['10', 'xfs'], openmandriva: ['cooker', 'ext4'],
      rocky: ['10', 'xfs'], alma: ['10', 'xfs'], azure: ['3.0', 'ext4'], custom: ['', 'ext4'],
    };
    for (const distribution of DISTRIBUTIONS) {
      expect([distributionFacts(distribution).defaultRelease, defaultFilesystem(distribution)]).toEqual(expected[distribution]);
    }
  });

  test('Architecture=uefi covers exactly the architectures with an EFI name', () => {
    expect(ARCHITECTURES.filter(isUefiArchitecture)).toEqual(['arm', 'arm64', 'loongarch64', 'riscv32', 'riscv64', 'x86', 'x86-64']);
  });

  test('enum values are case-sensitive and have no aliases', () => {
    const distribution = byName.get('Distribution')?.kind;
    const architecture = byName.get('Architecture')?.kind;
    expect(() => distribution?.parse('Fedora', undefined, env)).toThrow("'Fedora' is not a valid Distribution");
    expect(() => architecture?.parse('x86_64', undefined, env)).toThrow("'x86_64' is not a valid Architecture");
    expect(architecture?.parse('x86-64', undefined, env)).toBe('x86-64');
  });
});

describe('host detection from os-release', () => {
  const detect = (osRelease: Record<string, string>, hostEnv: Record<string, string> = {}) =>
    detectHostDistribution({ osRelease, env: hostEnv });

  test('ID, then the first ID_LIKE entry that is a distribution name', () => {
    expect(detect({ ID: 'almalinux', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.3' })).toEqual({ distribution: 'rhel', release: '9.3', detected: true });
    expect(detect({ ID: 'linuxmint', ID_LIKE: 'ubuntu debian', VERSION_CODENAME: 'wilma' })).toEqual({ distribution: 'ubuntu', release: 'wilma', detected: true });
    expect(detect({ ID: 'azurelinux' })).toEqual({ distribution: 'azure', release: null, detected: true });
  });

  test('unrecognised hosts are custom, and say so', () => {
    for (const id of ['gentoo', 'nixos', 'archarm', 'mariner', 'almalinux', 'opensuse-leap', 'Fedora']) {
      expect(detect({ ID: id, VERSION_ID: '1' })).toEqual({ distribution: 'custom', release: null, detected: false });
    }
  });

  test('apt distributions use the code name, others VERSION_ID; Tumbleweed is tumbleweed', () => {
    expect(detect({ ID: 'debian', VERSION_ID: '13' }).release).toBe('13');
    expect(detect({ ID: 'debian', VERSION_ID: '13', VERSION_CODENAME: 'trixie' }).release).toBe('trixie');
    expect(detect({ ID: 'fedora', VERSION_CODENAME: 'foo' }).release).toBeNull();
    expect(detect({ ID: 'opensuse-tumbleweed', ID_LIKE: 'opensuse suse', VERSION_ID: '20240101' }).release).toBe('tumbleweed');
    expect(detect({ ID: 'opensuse-microos', ID_LIKE: 'suse opensuse', VERSION_ID: '20240101' }).release).toBe('20240101');
  });

  test('$MKOSI_HOST_DISTRIBUTION overrides detection; the os-release release only applies to the same distribution', () => {
    const fedora41 = { ID: 'fedora', VERSION_ID: '41' };
    expect(detect(fedora41, { MKOSI_HOST_DISTRIBUTION: 'debian' })).toEqual({ distribution: 'debian', release: null, detected: true });
    expect(detect(fedora41, { MKOSI_HOST_DISTRIBUTION: 'fedora' }).release).toBe('41');
    expect(detect(fedora41, { MKOSI_HOST_DISTRIBUTION: 'fedora', MKOSI_HOST_RELEASE: '40' }).release).toBe('40');
    expect(detect(fedora41, { MKOSI_HOST_RELEASE: '99' }).release).toBe('41');
    expect(detect(fedora41, { MKOSI_HOST_DISTRIBUTION: 'gentoo' }).distribution).toBe('fedora');
  });
});

describe('RepositoryKeyFetch default', () => {
  const ubuntuHost = host({ distribution: 'ubuntu', osRelease: (root) => (root === '/' ? { ID: 'ubuntu' } : {}) });

  test('Ubuntu hosts fetch keys for dnf/zypper, pacman and apk distributions only', () => {
    const fetches = DISTRIBUTIONS.filter((d) => defaultRepositoryKeyFetch(context({ Distribution: d }, ubuntuHost)));
    expect(fetches).toEqual(['fedora', 'postmarketos', 'arch', 'opensuse', 'mageia', 'centos', 'rhel', 'rhel-ubi', 'openmandriva', 'rocky', 'alma', 'azure']);
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'fedora' }))).toBe(false);
  });

  test('NixOS hosts always fetch', () => {
    const nixos = host({ distribution: 'custom', osRelease: () => ({ ID: 'nixos' }) });
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'debian' }, nixos))).toBe(true);
  });

  test('the default tools tree decides by its distribution, not the host', () => {
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'fedora', ToolsTree: 'default', ToolsTreeDistribution: 'ubuntu' }))).toBe(true);
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'fedora', ToolsTree: 'yes' }, ubuntuHost))).toBe(false);
  });

  test('a ToolsTree= directory is recognised by its os-release', () => {
    const trees = host({ osRelease: (root) => (root === '/tools' ? { ID: 'ubuntu' } : { ID: 'debian' }) });
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'arch', ToolsTree: '/tools' }, trees))).toBe(true);
    expect(defaultRepositoryKeyFetch(context({ Distribution: 'arch', ToolsTree: '/other' }, trees))).toBe(false);
  });
});

test('table: scopes, specifiers, matchability and tools flags as in 27.1', () => {
  expect(DISTRIBUTION_SETTINGS.map((d) => [d.name, d.scope, 'specifier' in d ? d.specifier : '-', 'match' in d ? d.match : '-', 'tools' in d])).toEqual([
    ['Distribution', 'universal', 'd', 'equal', false],
    ['Release', 'universal', 'r', 'equal', false],
    ['Architecture', 'universal', 'a', 'architecture', false],
    ['Mirror', 'universal', '-', '-', false],
    ['Snapshot', 'universal', '-', '-', true],
    ['LocalMirror', 'universal', '-', '-', true],
    ['RepositoryKeyCheck', 'multiversal', '-', '-', false],
    ['RepositoryKeyFetch', 'universal', '-', '-', true],
    ['Repositories', 'universal', '-', 'member', true],
  ]);
});

test('enum options carry argparse choices, ending with the empty value that resets', () => {
  const choices = DISTRIBUTION_SETTINGS.filter((d) => d.cli !== undefined && 'choices' in d.cli).map((d) => [d.name, (d.cli !== undefined && 'choices' in d.cli ? d.cli.choices : []).at(-1)]);
  expect(choices).toEqual([['Distribution', ''], ['Architecture', '']]);
});
