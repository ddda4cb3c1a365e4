import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseDeb822Sources, parseOneLineSources, readHostAptSources } from '../../../../../src/nodes/packages/distro/host-apt-sources.js';

const ETC_APT = fileURLToPath(new URL('../../../../../fixtures/apt/etc-apt', import.meta.url));

describe('one-line sources', () => {
  test('reads type, options, URI, suite and components; skips comments and cdrom lines', () => {
    const parsed = parseOneLineSources([
      '# deb http://commented.example/debian sid main',
      'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main contrib',
      'deb-src http://mirror.example/debian bookworm main',
      'deb http://x.example/apt stable main # trailing',
      'deb http://broken.example/only-uri',
    ].join('\n'), 'sources.list');
    expect(parsed).toEqual([
      { types: ['deb'], uri: 'http://mirror.example/debian/', suites: ['bookworm'], components: ['main', 'contrib'], signedBy: '/k.gpg', origin: 'sources.list:2' },
      { types: ['deb-src'], uri: 'http://mirror.example/debian', suites: ['bookworm'], components: ['main'], origin: 'sources.list:3' },
      { types: ['deb'], uri: 'http://x.example/apt', suites: ['stable'], components: ['main'], origin: 'sources.list:4' },
    ]);
  });
});

describe('deb822 sources', () => {
  test('one entry per URI; several suites and types; disabled stanzas and inline keys handled', () => {
    const parsed = parseDeb822Sources([
      'Types: deb deb-src', 'URIs: http://a.example/debian http://b.example/debian', 'Suites: trixie trixie-updates',
      'Components: main non-free-firmware', 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg', '',
      'Types: deb', 'URIs: http://off.example/debian', 'Suites: sid', 'Components: main', 'Enabled: no', '',
      'Types: deb', 'URIs: http://inline.example/repo', 'Suites: stable', 'Components: main', 'Signed-By:', ' -----BEGIN PGP PUBLIC KEY BLOCK-----', ' .', '',
    ].join('\n'), 'x.sources');
    expect(parsed.map((s) => s.uri)).toEqual(['http://a.example/debian', 'http://b.example/debian', 'http://inline.example/repo']);
    expect(parsed[0]).toMatchObject({ types: ['deb', 'deb-src'], suites: ['trixie', 'trixie-updates'], components: ['main', 'non-free-firmware'] });
    expect(parsed[0]?.signedBy).toBe('/usr/share/keyrings/debian-archive-keyring.gpg');
    expect(parsed[2]?.signedBy).toBeUndefined();
  });
});

describe('reading a host /etc/apt', () => {
  test('reads sources.list then sources.list.d/*.{list,sources} in name order, ignoring other files', async () => {
    const host = await readHostAptSources({ etcApt: ETC_APT });
    expect(host.searched.map((p) => p.slice(ETC_APT.length))).toEqual([
      '/sources.list', '/sources.list.d/debian.sources', '/sources.list.d/zz-debug.list',
    ]);
    expect(host.sources.map((s) => `${s.types.join('+')} ${s.uri} ${s.suites.join(',')}`)).toEqual([
      'deb http://mirror.example/debian/ bookworm',
      'deb-src http://mirror.example/debian/ bookworm',
      'deb http://third-party.example/apt stable',
      'deb http://mirror.example/debian bookworm,bookworm-updates',
      'deb+deb-src http://security.example/debian-security bookworm-security',
      'deb http://inline-key.example/repo stable',
      'deb http://debug.example/debian-debug bookworm-debug',
    ]);
  });

  test('a host without apt sources yields nothing and searched nothing', async () => {
    expect(await readHostAptSources({ etcApt: '/nonexistent/etc/apt' })).toEqual({ sources: [], searched: [] });
  });
});
