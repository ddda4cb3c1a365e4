import { describe, expect, test } from 'vitest';
import { keyPreimage } from '../../../../src/graph/keys.js';
import { baseInstallKind } from '../../../../src/nodes/image/base-install/base-install.js';
import { buildOverlayKind } from '../../../../src/nodes/image/build-overlay/build-overlay.js';
import { buildScriptsKind } from '../../../../src/nodes/image/build-scripts/build-scripts.js';
import { finalizeKind } from '../../../../src/nodes/image/finalize/finalize.js';
import { outputKind } from '../../../../src/nodes/image/output/output.js';
import { packageDeltaKind } from '../../../../src/nodes/image/package-delta/package-delta.js';
import { packageLockKind } from '../../../../src/nodes/image/package-lock/package-lock.js';
import { planImages } from '../../../../src/nodes/image/plan-images.js';
import { repoMetadataKind } from '../../../../src/nodes/image/repo-metadata/repo-metadata.js';
import type { PlanImagesOptions } from '../../../../src/nodes/image/plan-images.js';
import { volatilePackagesKind } from '../../../../src/nodes/image/volatile-packages/volatile-packages.js';
import type { HostAptSources } from '../../../../src/nodes/packages/distro/host-apt-sources.js';
import type { AnyNodeKind, Settings } from '../../../../src/nodes/types.js';

// A placeholder archive (the .invalid TLD never resolves): planning only copies the host's URIs.
const HOST: HostAptSources = {
  sources: [{ types: ['deb'], uri: 'http://archive.example.invalid/debian', suites: ['bookworm', 'trixie'], components: ['main'], origin: 'test.list:1' }],
  searched: ['test.list'],
};
const ROOT = '/src/img';
const HOUR = 3600_000;

function image(overrides: Record<string, unknown> = {}): Settings {
  return {
    Image: 'main', Distribution: 'debian', Release: 'bookworm', Architecture: 'x86-64', Format: 'directory', Output: 'image',
    Packages: ['less'], ExtraTrees: [{ Source: `${ROOT}/mkosi.extra`, Target: null }], SkeletonTrees: [],
    PostInstallationScripts: [`${ROOT}/mkosi.postinst`], FinalizeScripts: [], PrepareScripts: [`${ROOT}/mkosi.prepare`],
    Files: [`${ROOT}/mkosi.conf`], Seed: 'random-per-run', ...overrides,
  };
}

const options = (images: Settings[], more: Partial<PlanImagesOptions> = {}): PlanImagesOptions => ({
  images, root: ROOT, host: HOST, now: 10 * HOUR, metadataTtlMs: 6 * HOUR, packageCache: '/var/cache/mkb/packages', ...more,
});

function plan(images: Settings[], more: Partial<PlanImagesOptions> = {}) {
  const r = planImages(options(images, more));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

const node = (p: ReturnType<typeof plan>, id: string) => {
  const n = p.input.nodes.find((x) => x.id === id);
  if (n === undefined) throw new Error(`no node ${id}`);
  return n;
};

describe('planImages: one chain per image, repository metadata shared', () => {
  test('one image compiles to repo-metadata → package-lock → base-install → finalize → output', () => {
    const p = plan([image()]);
    const ids = p.input.nodes.map((n) => n.id);
    expect(ids).toHaveLength(5);
    const metadata = ids.find((id) => id.startsWith('repo-metadata/debian-bookworm-amd64-'));
    expect(metadata).toBeDefined();
    expect(node(p, 'main/package-lock').spec.params).toMatchObject({ metadata, architecture: 'amd64' });
    // Scripts may call mkosi-install: the stages running them read the build's metadata.
    expect(node(p, 'main/base-install').spec.params).toEqual({ lock: 'main/package-lock', metadata, files: ['mkosi.prepare'], scriptApt: { metadata, architecture: 'amd64' } });
    expect(node(p, 'main/finalize').spec.params).toMatchObject({ base: 'main/base-install', files: ['mkosi.extra', 'mkosi.postinst'], scriptApt: { metadata, architecture: 'amd64' } });
    // An image with apt keeps the distribution's default sources, deb and deb-src, whatever Mirror= the build used.
    expect(node(p, 'main/finalize').spec.params).toMatchObject({
      imageSources: { release: 'bookworm', repositories: expect.arrayContaining([expect.objectContaining({ uri: 'http://archive.example.invalid/debian', types: ['deb', 'deb-src'] })]) },
    });
    expect(node(p, 'main/output').spec.params).toEqual({ tree: 'main/finalize', files: [] });
    expect(p.images).toEqual([{ image: 'main', output: 'main/output', settings: expect.objectContaining({ Format: 'directory' }) }]);
  });

  test('stages without scripts do not depend on the metadata; post-output scripts are inputs of the output node', () => {
    const p = plan([image({ PrepareScripts: [], PostInstallationScripts: [], PostOutputScripts: [`${ROOT}/mkosi.postoutput`] })]);
    expect(node(p, 'main/base-install').spec.params).not.toHaveProperty('scriptApt');
    expect(node(p, 'main/finalize').spec.params).not.toHaveProperty('scriptApt');
    expect(node(p, 'main/output').spec.params).toEqual({ tree: 'main/finalize', files: ['mkosi.postoutput'] });
  });

  test('firstboot credentials are kept in every image but an initrd (Format=cpio with MakeInitrd=yes)', () => {
    const credentials = (o: Record<string, unknown>) => (node(plan([image(o)]), 'main/finalize').spec.params as { firstbootCredentials?: boolean }).firstbootCredentials;
    expect(credentials({})).toBe(true);
    expect(credentials({ Format: 'cpio' })).toBe(true);
    expect(credentials({ MakeInitrd: true })).toBe(true);
    expect(credentials({ Format: 'cpio', MakeInitrd: true })).toBe(false);
  });

  test('finalize reads the packages\' changelogs only when ManifestFormat= asks for the changelog manifest', () => {
    const changelog = (o: Record<string, unknown>) => (node(plan([image(o)]), 'main/finalize').spec.params as { changelog?: true }).changelog;
    expect(changelog({})).toBeUndefined();
    expect(changelog({ ManifestFormat: ['json'] })).toBeUndefined();
    expect(changelog({ ManifestFormat: ['json', 'changelog'] })).toBe(true);
  });

  test('the repo-metadata node carries no image settings but CacheOnly (unkeyed), only repositories and the freshness bucket', () => {
    const p = plan([image()]);
    const metadata = p.input.nodes.find((n) => n.spec.kind === 'repo-metadata');
    expect(metadata?.spec.settings).toEqual({ CacheOnly: 'auto' });
    expect(repoMetadataKind.irrelevantSettings).toEqual(['CacheOnly']);
    expect(metadata?.spec.params).toMatchObject({ bucket: '1', architecture: 'amd64', repositoryKeyCheck: true });
  });

  test('two images of the same distribution, release and mirror share one repo-metadata node', () => {
    const p = plan([image({ Image: 'sub', Packages: ['vim'] }), image()]);
    expect(p.input.nodes.filter((n) => n.spec.kind === 'repo-metadata')).toHaveLength(1);
    expect(p.input.nodes).toHaveLength(9);
    expect(p.images.map((i) => i.output)).toEqual(['sub/output', 'main/output']);
  });

  test('a different release gets its own metadata', () => {
    const p = plan([image({ Image: 'sub', Release: 'trixie' }), image()]);
    expect(p.input.nodes.filter((n) => n.spec.kind === 'repo-metadata')).toHaveLength(2);
  });

  test('the freshness bucket turns over after the TTL, and only then', () => {
    const bucket = (now: number) => plan([image()], { now }).input.nodes.find((n) => n.spec.kind === 'repo-metadata')?.spec.params;
    expect(bucket(7 * HOUR)).toEqual(bucket(11 * HOUR));
    expect(bucket(11 * HOUR)).not.toEqual(bucket(13 * HOUR));
  });

  test('CacheOnly=: auto follows the bucket, never syncs every build, metadata and always reuse the last snapshot', () => {
    const metadata = (cacheOnly: string, now: number, previous?: string) => {
      const r = planImages(options([image({ CacheOnly: cacheOnly })], { now, previousMetadataBucket: () => previous }));
      return r.ok ? r.value.input.nodes.find((n) => n.spec.kind === 'repo-metadata')?.spec : r.error.map((f) => (f.code === 'PLAN_INVALID' ? f.message : f.code)).join();
    };
    expect(metadata('auto', 13 * HOUR, '1')).toMatchObject({ params: { bucket: '2' }, settings: { CacheOnly: 'auto' } });
    expect(metadata('never', 13 * HOUR)).toMatchObject({ params: { bucket: `sync-${13 * HOUR}` } });
    expect(metadata('never', 13 * HOUR)).not.toEqual(metadata('never', 13 * HOUR + 1));
    for (const cacheOnly of ['metadata', 'always']) {
      expect(metadata(cacheOnly, 13 * HOUR, '1')).toMatchObject({ params: { bucket: '1' }, settings: { CacheOnly: cacheOnly } });
      expect(metadata(cacheOnly, 13 * HOUR)).toMatch(new RegExp(`^CacheOnly=${cacheOnly}: the store has no repository metadata for http://archive\\.example\\.invalid/debian bookworm.*\n  hint: build once with CacheOnly=auto`));
    }
  });

  test('PackageCacheDirectory defaults to the given cache, and a configured one wins', () => {
    expect(node(plan([image()]), 'main/base-install').spec.settings['PackageCacheDirectory']).toBe('/var/cache/mkb/packages');
    expect(node(plan([image({ PackageCacheDirectory: '/pkgs' })]), 'main/base-install').spec.settings['PackageCacheDirectory']).toBe('/pkgs');
  });

  test('every image that cannot be planned is reported, not just the first', () => {
    const r = planImages(options([image({ Image: 'a', Distribution: 'fedora' }), image({ Distribution: 'arch' })]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((f) => (f.code === 'PLAN_INVALID' ? f.message : f.code))).toEqual([
      expect.stringContaining('Distribution=fedora is not supported'), expect.stringContaining('Distribution=arch is not supported'),
    ]);
  });

  test('no mirror and no Debian archive in the host sources names Mirror= and the files searched', () => {
    const r = planImages(options([image()], { host: { sources: [], searched: ['/etc/apt/sources.list'] } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.error)).toMatch(/Mirror=.*sources\.list|sources\.list.*Mirror=/s);
  });
});

describe('planImages: package-delta', () => {
  test('Packages= that only grew since the last lock keeps the base lock and adds a package-delta node', () => {
    const p = plan([image({ Packages: ['less', 'tree'] })], { previousPackages: () => ['less'] });
    expect(node(p, 'main/package-lock').spec.settings['Packages']).toEqual(['less']);
    expect(node(p, 'main/package-delta').spec.params).toMatchObject({ base: 'main/base-install', packages: ['tree'] });
    expect(node(p, 'main/finalize').spec.params).toMatchObject({ base: 'main/package-delta' });
    const delta = node(p, 'main/package-delta').spec;
    expect(packageDeltaKind.describe?.(delta as Parameters<NonNullable<typeof packageDeltaKind.describe>>[0]))
      .toBe("Packages= gained tree since the base's lock: installed on top of main/base-install");
  });

  test('no history, an unchanged list or a removed package plans the plain chain', () => {
    for (const previous of [undefined, ['less'], ['less', 'vim']]) {
      const p = plan([image({ Packages: ['less'] })], { previousPackages: () => previous });
      expect(p.input.nodes.map((n) => n.spec.kind)).not.toContain('package-delta');
      expect(node(p, 'main/package-lock').spec.settings['Packages']).toEqual(['less']);
    }
  });
});

describe('planImages: BaseTrees=', () => {
  const withBaseTrees = (more: Record<string, unknown> = {}) => image({
    BaseTrees: [`${ROOT}/base`, '/srv/bases/extra.tar.zst'], SkeletonTrees: [{ Source: `${ROOT}/mkosi.skeleton`, Target: null }], ...more,
  });

  test('no lock: base-install copies the trees, then resolves and installs only Packages= on top, keyed on the metadata', () => {
    const p = plan([withBaseTrees({ Packages: ['less', 'tree'], WithRecommends: true })]);
    expect(p.input.nodes.map((n) => n.spec.kind)).not.toContain('package-lock');
    const base = node(p, 'main/base-install').spec;
    const metadata = p.input.nodes.find((n) => n.spec.kind === 'repo-metadata')?.id;
    expect(base.params).toEqual({
      metadata, files: ['base', '../../srv/bases/extra.tar.zst', 'mkosi.skeleton', 'mkosi.prepare'], scriptApt: { metadata, architecture: 'amd64' },
      onBaseTrees: { packages: ['less', 'tree'], architecture: 'amd64', withRecommends: true, repositoryKeyCheck: true },
    });
    const noScripts = plan([withBaseTrees({ PrepareScripts: [] })]);
    const spec = node(noScripts, 'main/base-install').spec;
    expect(baseInstallKind.deps(spec as never)).toEqual([metadata]);
    expect(baseInstallKind.unkeyedDeps?.(spec as never)).toEqual([]);
  });

  test('Overlay=yes (only the additions) is refused rather than publishing the whole tree', () => {
    const r = planImages(options([withBaseTrees({ Overlay: true })]));
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('Overlay=yes (an image of only the additions to BaseTrees=) is not supported by mkb yet');
  });

  test('a grown Packages= plans no package-delta: there is no earlier lock to add to', () => {
    const p = plan([withBaseTrees({ Packages: ['less', 'tree'] })], { previousPackages: () => ['less'] });
    expect(p.input.nodes.map((n) => n.spec.kind)).not.toContain('package-delta');
    expect(node(p, 'main/finalize').spec.params).toMatchObject({ base: 'main/base-install' });
  });
});

describe('planImages: build scripts, volatile packages', () => {
  const kinds = (p: ReturnType<typeof plan>) => p.input.nodes.map((n) => n.spec.kind);
  const build = (more: Record<string, unknown> = {}) => image({
    BuildScripts: [`${ROOT}/mkosi.build`, `${ROOT}/mkosi.build.chroot`], BuildPackages: ['make'],
    BuildSources: [{ Source: ROOT, Target: null }], OutputDirectory: `${ROOT}/mkosi.output`, BuildDirectory: `${ROOT}/mkosi.builddir`,
    BuildSubdirectory: `${ROOT}/mkosi.builddir/debian~bookworm~x86-64`, ...more,
  });

  test('no build scripts: no build-overlay and no build-scripts node, even with BuildPackages=', () => {
    const p = plan([image({ BuildPackages: ['make'] })]);
    expect(kinds(p)).not.toContain('build-overlay');
    expect(kinds(p)).not.toContain('build-scripts');
    expect(node(p, 'main/finalize').spec.params).not.toHaveProperty('build');
  });

  test('build scripts add build-overlay on the base and build-scripts on the overlay; finalize reads the build output', () => {
    const p = plan([build()], { buildArgs: ['--flag'] });
    const metadata = p.input.nodes.find((n) => n.spec.kind === 'repo-metadata')?.id;
    expect(node(p, 'main/build-overlay').spec.params).toEqual({ metadata, base: 'main/base-install', architecture: 'amd64', files: ['mkosi.prepare'] });
    expect(node(p, 'main/build-scripts').spec.params).toMatchObject({ overlay: 'main/build-overlay', files: ['mkosi.build', 'mkosi.build.chroot', '.'], args: ['--flag'] });
    expect(node(p, 'main/finalize').spec.params).toMatchObject({ base: 'main/base-install', build: 'main/build-scripts' });
  });

  test('the build sources leave out the output, build, cache and workspace directories inside them', () => {
    const p = plan([build({ CacheDirectory: `${ROOT}/mkosi.cache`, WorkspaceDirectory: '/var/tmp' })]);
    expect(node(p, 'main/build-scripts').spec.params).toMatchObject({
      exclude: expect.arrayContaining(['mkosi.output', 'mkosi.builddir', 'mkosi.cache', '.mkosi-private']),
    });
    // Published into the configuration directory itself: only the image's own files and mkb's records are left out.
    const intoRoot = plan([build({ OutputDirectory: null, Output: 'small_1.0' })]);
    expect(node(intoRoot, 'main/build-scripts').spec.params).toMatchObject({ exclude: expect.arrayContaining(['small_1.0*', '.mkb-*']) });
  });

  test('BuildSources= targets are all inputs; the build overlay goes on package-delta when Packages= grew', () => {
    const p = plan([build({ BuildSources: [{ Source: `${ROOT}/src`, Target: 'sub' }, { Source: '/elsewhere/lib', Target: 'lib' }], Packages: ['less', 'tree'] })], { previousPackages: () => ['less'] });
    expect(node(p, 'main/build-scripts').spec.params).toMatchObject({ files: ['mkosi.build', 'mkosi.build.chroot', 'src', '../../elsewhere/lib'], args: [] });
    expect(node(p, 'main/build-overlay').spec.params).toMatchObject({ base: 'main/package-delta' });
  });

  test('--rerun-build-scripts plans each image up to its build scripts, and images without build scripts not at all', () => {
    const p = plan([image({ Image: 'plain' }), build({ VolatilePackages: ['tree'] })], { rerunBuildScripts: true });
    expect(p.input.nodes.filter((n) => n.spec.kind !== 'repo-metadata').map((n) => n.id)).toEqual([
      'main/package-lock', 'main/base-install', 'main/build-overlay', 'main/build-scripts',
    ]);
  });

  test('VolatilePackages= adds volatile-packages between the base and finalize; the build still runs on the base', () => {
    const p = plan([build({ VolatilePackages: ['tree'] })]);
    expect(node(p, 'main/volatile-packages').spec.params).toMatchObject({ base: 'main/base-install', architecture: 'amd64' });
    expect(node(p, 'main/build-overlay').spec.params).toMatchObject({ base: 'main/base-install' });
    expect(node(p, 'main/finalize').spec.params).toMatchObject({ base: 'main/volatile-packages', build: 'main/build-scripts' });
    expect(kinds(plan([image()]))).not.toContain('volatile-packages');
  });
});

describe('keys: each stage keys on what it reads (fail closed)', () => {
  const settingsKey = (kind: AnyNodeKind, s: Settings) => JSON.stringify(keyPreimage({
    kind, spec: { kind: kind.kind, image: 'main', settings: s, params: {} }, files: {}, deps: [], tools: {}, env: {}, epoch: null,
  }).settings);
  const changes = (kind: AnyNodeKind, overrides: Record<string, unknown>) => settingsKey(kind, image()) !== settingsKey(kind, image(overrides));

  test('switching Format= changes only the output key', () => {
    expect(changes(outputKind as AnyNodeKind, { Format: 'tar' })).toBe(true);
    for (const k of [finalizeKind, baseInstallKind, packageLockKind]) expect(changes(k as AnyNodeKind, { Format: 'tar' }), k.kind).toBe(false);
  });

  test('Hostname= and ExtraTrees= reach finalize but not the base or the lock', () => {
    for (const o of [{ Hostname: 'h' }, { ExtraTrees: [] }]) {
      expect(changes(finalizeKind as AnyNodeKind, o)).toBe(true);
      expect(changes(baseInstallKind as AnyNodeKind, o)).toBe(false);
      expect(changes(packageLockKind as AnyNodeKind, o)).toBe(false);
    }
  });

  test('another spelling of the mirror gets its own metadata, but the base-install key (lock digest aside) is unchanged', () => {
    const preimage = (p: ReturnType<typeof plan>, id: string, kind: AnyNodeKind) => {
      const n = node(p, id);
      return keyPreimage({ kind, spec: n.spec, files: {}, deps: [], tools: {}, env: {}, epoch: null, root: ROOT });
    };
    const noScripts = { PrepareScripts: [], PostInstallationScripts: [], FinalizeScripts: [] };
    const host = plan([image(noScripts)]);
    const spelled = plan([image({ ...noScripts, Mirror: 'http://archive.example.invalid:80' })]);
    expect(node(host, 'main/package-lock').spec.params).not.toEqual(node(spelled, 'main/package-lock').spec.params);
    expect(preimage(host, 'main/base-install', baseInstallKind as AnyNodeKind)).toEqual(preimage(spelled, 'main/base-install', baseInstallKind as AnyNodeKind));
    expect(preimage(host, 'main/finalize', finalizeKind as AnyNodeKind)).toEqual(preimage(spelled, 'main/finalize', finalizeKind as AnyNodeKind));
  });

  test('a stage whose scripts may call mkosi-install keys on the metadata it installs from', () => {
    const preimage = (p: ReturnType<typeof plan>, id: string, kind: AnyNodeKind) =>
      keyPreimage({ kind, spec: node(p, id).spec, files: {}, deps: [], tools: {}, env: {}, epoch: null, root: ROOT });
    const host = plan([image()]);
    const spelled = plan([image({ Mirror: 'http://archive.example.invalid:80' })]);
    expect(preimage(host, 'main/base-install', baseInstallKind as AnyNodeKind)).not.toEqual(preimage(spelled, 'main/base-install', baseInstallKind as AnyNodeKind));
    expect(preimage(host, 'main/finalize', finalizeKind as AnyNodeKind)).not.toEqual(preimage(spelled, 'main/finalize', finalizeKind as AnyNodeKind));
    expect(baseInstallKind.unkeyedDeps?.(node(host, 'main/base-install').spec as never)).toEqual([]);
  });

  test('Packages= keys the lock; later stages see it only through the lock digest', () => {
    expect(changes(packageLockKind as AnyNodeKind, { Packages: ['vim'] })).toBe(true);
    for (const k of [baseInstallKind, finalizeKind, outputKind]) expect(changes(k as AnyNodeKind, { Packages: ['vim'] }), k.kind).toBe(false);
  });

  test('build settings key the build stages only; VolatilePackages= keys neither the base nor the build', () => {
    for (const o of [{ BuildPackages: ['gcc'] }, { BuildScripts: ['/x/mkosi.build'] }, { BuildDirectory: '/b' }]) {
      for (const k of [packageLockKind, baseInstallKind, packageDeltaKind, volatilePackagesKind, finalizeKind, outputKind]) {
        expect(changes(k as AnyNodeKind, o), `${k.kind} ${JSON.stringify(o)}`).toBe(false);
      }
    }
    expect(changes(buildOverlayKind as AnyNodeKind, { BuildPackages: ['gcc'] })).toBe(true);
    expect(changes(buildScriptsKind as AnyNodeKind, { BuildPackages: ['gcc'] })).toBe(false);
    for (const o of [{ BuildScripts: ['/x/mkosi.build'] }, { WithNetwork: true }, { BuildDirectory: '/b' }, { ImageVersion: '2' }, { Environment: { A: '1' } }]) {
      expect(changes(buildScriptsKind as AnyNodeKind, o), JSON.stringify(o)).toBe(true);
    }
    for (const k of [baseInstallKind, buildOverlayKind, buildScriptsKind]) expect(changes(k as AnyNodeKind, { VolatilePackages: ['tree'] }), k.kind).toBe(false);
    expect(changes(volatilePackagesKind as AnyNodeKind, { VolatilePackages: ['tree'] })).toBe(true);
    expect(changes(finalizeKind as AnyNodeKind, { RemovePackages: ['less'] })).toBe(true);
    expect(changes(baseInstallKind as AnyNodeKind, { RemovePackages: ['less'] })).toBe(false);
  });

  test('a setting no kind knows about is part of every key, and the per-run Seed is part of none', () => {
    for (const k of [packageLockKind, baseInstallKind, buildOverlayKind, buildScriptsKind, volatilePackagesKind, finalizeKind, outputKind]) {
      expect(changes(k as AnyNodeKind, { SomeFutureSetting: 1 }), k.kind).toBe(true);
      expect(changes(k as AnyNodeKind, { Seed: 'another' }), k.kind).toBe(false);
    }
  });
});

describe('planImages: KernelModules= default and host', () => {
  const params = (p: ReturnType<typeof plan>) => node(p, 'main/finalize').spec.params as { kernelModules?: readonly string[] };
  const sources = { loaded: ['loop', 'virtio-net'], initrd: { 'x86-64': ['ext4', 'loop'], arm64: ['brcmutil'] } };

  test('a list without them is left to finalize as it is', () => {
    expect(params(plan([image({ KernelModules: ['ext4', '-vfat'] })], { kernelModules: sources }))).not.toHaveProperty('kernelModules');
  });

  test('default becomes the initrd list of the image\'s architecture, host the loaded modules (KernelModulesIncludeHost= puts them first)', () => {
    expect(params(plan([image({ KernelModules: ['vfat', 'default', 'host'] })], { kernelModules: sources })).kernelModules)
      .toEqual(['vfat', 'ext4', 'loop', 'virtio-net']);
    expect(params(plan([image({ KernelModules: ['default'], Architecture: 'arm64' })], { kernelModules: sources })).kernelModules).toEqual(['brcmutil']);
    expect(params(plan([image({ KernelModules: ['ext4'], KernelModulesIncludeHost: true })], { kernelModules: sources })).kernelModules)
      .toEqual(['loop', 'virtio-net', 'ext4']);
  });

  test('what cannot be expanded fails the plan, naming the setting', () => {
    const r = planImages(options([image({ KernelModules: ['host'] })]));
    expect(r).toMatchObject({ ok: false, error: [{ code: 'PLAN_INVALID', message: expect.stringMatching(/KernelModules=host: .*\/proc\/modules/) }] });
  });
});

describe('planImages: kernel module and firmware patterns are checked before building', () => {
  test('a bad regular expression or default/host in an exclude list fails the plan, naming the config file', () => {
    expect(planImages(options([image({ KernelModules: ['ext4', 're:(('] })]))).toMatchObject({
      ok: false, error: [{ code: 'PLAN_INVALID', file: `${ROOT}/mkosi.conf`, message: expect.stringContaining('KernelModulesInclude=((') }],
    });
    expect(planImages(options([image({ FirmwareExclude: ['re:[a'] })]))).toMatchObject({ ok: false, error: [{ message: expect.stringContaining('FirmwareExclude=[a') }] });
    expect(planImages(options([image({ KernelModulesExclude: ['re:x', 'host'] })]))).toMatchObject({
      ok: false, error: [{ message: expect.stringContaining('KernelModulesExclude=host') }],
    });
    expect(planImages(options([image({ KernelModules: ['re:^drivers/', '-vfat'], FirmwareFiles: ['re:x', 'a/'] })])).ok).toBe(true);
  });
});
