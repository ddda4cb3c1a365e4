// Each script kind's variables, as mkosi 27.1 gave them to fixtures/builds/bookworm-scripts (observed with a
// real `mkosi -f build` of that tree on Debian 12 x86-64, as root).
import { describe, expect, test } from 'vitest';
import { scriptArguments, scriptEnvironment, scriptNetwork } from '../../../../src/nodes/image/script-environment.js';
import type { ScriptKind } from '../../../../src/nodes/image/script-environment.js';

const SETTINGS = {
  Distribution: 'debian', Release: 'bookworm', Architecture: 'x86-64', ImageId: 'scripts', ImageVersion: '2.0',
  SourceDateEpoch: 1700000000, WithNetwork: true, Profiles: [], Environment: {},
};

const env = (kind: ScriptKind, more: Partial<Parameters<typeof scriptEnvironment>[0]> = {}) =>
  scriptEnvironment({ kind, settings: SETTINGS, uid: 0, gid: 0, debug: false, identity: true, ...more });

/** What every kind got from mkosi 27.1 (besides TERM and the systemd knobs). */
const COMMON = {
  ARCHITECTURE: 'x86-64', DISTRIBUTION: 'debian', DISTRIBUTION_ARCHITECTURE: 'amd64', EFI_ARCHITECTURE: 'x64', IMAGE_ID: 'scripts',
  IMAGE_VERSION: '2.0', MKOSI_CONFIG: '/work/config.json', MKOSI_DEBUG: '0', MKOSI_GID: '0', MKOSI_UID: '0', RELEASE: 'bookworm',
  SOURCE_DATE_EPOCH: '1700000000', SRCDIR: '/work/src',
};
const IN_IMAGE = {
  ARTIFACTDIR: '/work/artifacts', BUILDROOT: '/buildroot', CHROOT_SRCDIR: '/work/src', PACKAGEDIR: '/work/packages', WITH_NETWORK: '1',
};
const strip = (e: Record<string, string>) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'TERM' && k !== 'SYSTEMD_TMPFILES_FORCE_SUBVOL'));

describe('scriptEnvironment: mkosi 27.1 variables per script kind', () => {
  test('sync scripts: the common set and $CACHED, over the caller environment', () => {
    expect(strip(env('sync', { host: { PYTHONPATH: '/x', DISTRIBUTION: 'host-value' } }))).toEqual({ ...COMMON, CACHED: '0', PYTHONPATH: '/x' });
  });

  test('prepare scripts: the image paths, $SCRIPT, WITH_DOCS and WITH_TESTS, network always', () => {
    expect(strip(env('prepare', { settings: { ...SETTINGS, WithNetwork: false } }))).toEqual({
      ...COMMON, ...IN_IMAGE, SCRIPT: '/work/prepare', CHROOT_SCRIPT: '/work/prepare', WITH_DOCS: '1', WITH_TESTS: '1',
    });
  });

  test('post-installation and finalize scripts: $OUTPUTDIR and $CHROOT_OUTPUTDIR as well', () => {
    for (const kind of ['postinst', 'finalize'] as const) {
      expect(strip(env(kind))).toEqual({
        ...COMMON, ...IN_IMAGE, SCRIPT: `/work/${kind}`, CHROOT_SCRIPT: `/work/${kind}`, OUTPUTDIR: '/work/out', CHROOT_OUTPUTDIR: '/work/out',
      });
    }
  });

  test('build scripts: the image paths, $SCRIPT at /work/build-script, $DESTDIR, WITH_DOCS and WITH_TESTS; no $OUTPUTDIR', () => {
    expect(strip(env('build', { settings: { ...SETTINGS, WithDocs: false } }))).toEqual({
      ...COMMON, ...IN_IMAGE, SCRIPT: '/work/build-script', CHROOT_SCRIPT: '/work/build-script', DESTDIR: '/work/dest', CHROOT_DESTDIR: '/work/dest',
      WITH_DOCS: '0', WITH_TESTS: '1',
    });
    expect(env('build', { settings: { ...SETTINGS, WithNetwork: false } })['WITH_NETWORK']).toBe('0');
  });

  test('build scripts: $BUILDDIR and $CHROOT_BUILDDIR only with a build directory', () => {
    expect(env('build')).not.toHaveProperty('BUILDDIR');
    expect(env('build', { buildDir: true })).toMatchObject({ BUILDDIR: '/work/build', CHROOT_BUILDDIR: '/work/build' });
  });

  test('post-output and clean scripts: the common set and $OUTPUTDIR, nothing about an image tree', () => {
    expect(strip(env('postoutput'))).toEqual({ ...COMMON, OUTPUTDIR: '/work/out' });
    expect(strip(env('clean'))).toEqual({ ...COMMON, OUTPUTDIR: '/work/out' });
  });

  test('the caller, --debug, profiles, subimages and Environment= show up; identity can be withheld', () => {
    const e = env('finalize', {
      uid: 1000, gid: 100, debug: true, subimage: 'sub', identity: false,
      settings: { ...SETTINGS, Profiles: ['a', 'b'], Environment: { FOO: 'bar', WITH_NETWORK: 'mine' } },
    });
    expect(e).toMatchObject({ MKOSI_UID: '1000', MKOSI_GID: '100', MKOSI_DEBUG: '1', PROFILES: 'a b', SUBIMAGE: 'sub', FOO: 'bar', WITH_NETWORK: 'mine' });
    expect(e).not.toHaveProperty('IMAGE_ID');
    expect(e).not.toHaveProperty('IMAGE_VERSION');
  });

  test('architectures without an EFI name get none; Debian names for $DISTRIBUTION_ARCHITECTURE', () => {
    const e = env('clean', { settings: { ...SETTINGS, Architecture: 'ppc64-le' } });
    expect(e).not.toHaveProperty('EFI_ARCHITECTURE');
    expect(e['DISTRIBUTION_ARCHITECTURE']).toBe('ppc64el');
  });
});

describe('scriptNetwork and scriptArguments', () => {
  test('sync and prepare always have the network, post-output and clean never, the others as WithNetwork=', () => {
    expect(scriptNetwork('sync', { WithNetwork: false })).toBe(true);
    expect(scriptNetwork('prepare', { WithNetwork: false })).toBe(true);
    expect(scriptNetwork('postoutput', { WithNetwork: true })).toBe(false);
    expect(scriptNetwork('clean', { WithNetwork: true })).toBe(false);
    expect(scriptNetwork('postinst', { WithNetwork: true })).toBe(true);
    expect(scriptNetwork('finalize', {})).toBe(false);
    expect(scriptNetwork('build', {})).toBe(false);
    expect(scriptNetwork('build', { WithNetwork: true })).toBe(true);
  });

  test('`final` goes to sync, prepare and postinst scripts only (build scripts get the arguments after --)', () => {
    expect(['sync', 'prepare', 'build', 'postinst', 'finalize', 'postoutput', 'clean'].map((k) => scriptArguments(k as ScriptKind).join(' ')))
      .toEqual(['final', 'final', '', 'final', '', '', '']);
  });
});
