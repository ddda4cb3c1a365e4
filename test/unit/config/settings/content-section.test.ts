import { describe, expect, test } from 'vitest';
import { CONTENT_SETTINGS } from '../../../../src/config/settings/content-section.js';
import { findSetting, SETTINGS } from '../../../../src/config/settings/index.js';
import type { SettingDef } from '../../../../src/config/settings/types.js';
import { defaultContext, defaultOf } from './default-context.js';

const defs = new Map<string, SettingDef>((CONTENT_SETTINGS as readonly SettingDef[]).map((d) => [d.name, d]));
const def = (name: string): SettingDef => {
  const found = defs.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};

describe('[Content] table', () => {
  test('27.1 order (the order of `mkosi --help`)', () => {
    expect([...defs.keys()]).toEqual([
      'Packages', 'BuildPackages', 'VolatilePackages', 'PackageDirectories', 'VolatilePackageDirectories',
      'WithRecommends', 'WithDocs', 'BaseTrees', 'SkeletonTrees', 'ExtraTrees', 'RemovePackages', 'RemoveFiles',
      'CleanPackageMetadata', 'SourceDateEpoch', 'SyncScripts', 'PrepareScripts', 'BuildScripts',
      'PostInstallationScripts', 'FinalizeScripts', 'PostOutputScripts', 'Bootable', 'Bootloader', 'BiosBootloader',
      'ShimBootloader', 'UnifiedKernelImages', 'UnifiedKernelImageFormat', 'UnifiedKernelImageProfiles', 'Initrds',
      'MicrocodeHost', 'InitrdProfiles', 'InitrdPackages', 'InitrdVolatilePackages', 'Devicetrees', 'Splash',
      'KernelCommandLine', 'KernelModulesInclude', 'KernelModulesExclude', 'KernelModules', 'KernelModulesIncludeHost',
      'KernelModulesInitrd', 'KernelModulesInitrdInclude', 'KernelModulesInitrdExclude', 'KernelInitrdModules',
      'KernelModulesInitrdIncludeHost', 'FirmwareInclude', 'FirmwareExclude', 'FirmwareFiles', 'Locale',
      'LocaleMessages', 'Keymap', 'Timezone', 'Hostname', 'RootPassword', 'RootShell', 'MachineId', 'Autologin',
      'MakeInitrd', 'Ssh', 'SELinuxRelabel',
    ]);
    expect([...defs.values()].every((d) => d.section === 'Content')).toBe(true);
  });

  test('the section sits between [Output] and [Validation] in SETTINGS', () => {
    const sections = (SETTINGS as readonly SettingDef[]).map((d) => d.section);
    const first = sections.indexOf('Content');
    expect(sections[first - 1]).toBe('Output');
    expect(sections.slice(first, first + defs.size).every((s) => s === 'Content')).toBe(true);
    expect(sections[first + defs.size]).toBe('Validation');
  });

  test('scopes other than local', () => {
    const scoped = [...defs.values()].filter((d) => d.scope !== 'local').map((d) => [d.name, d.scope]);
    expect(scoped).toEqual([
      ['PackageDirectories', 'universal'], ['VolatilePackageDirectories', 'universal'], ['SourceDateEpoch', 'multiversal'],
      ['InitrdProfiles', 'initrd'], ['InitrdPackages', 'initrd'], ['InitrdVolatilePackages', 'initrd'],
      ['Keymap', 'initrd-inherit'], ['Timezone', 'initrd-inherit'], ['Hostname', 'initrd-inherit'],
      ['RootPassword', 'initrd-inherit'],
    ]);
  });

  test('initrd-scope settings feed the default initrd and are printed in the image JSON', () => {
    const initrd = [...defs.values()].filter((d) => d.scope === 'initrd');
    expect(initrd.map((d) => [d.name, d.initrdTarget, d.jsonKey])).toEqual([
      ['InitrdProfiles', 'Profiles', undefined], ['InitrdPackages', 'Packages', undefined],
      ['InitrdVolatilePackages', 'VolatilePackages', undefined],
    ]);
  });

  test('only Packages, PackageDirectories, SyncScripts and PrepareScripts may be set in the tools tree config', () => {
    expect([...defs.values()].filter((d) => d.tools).map((d) => d.name))
      .toEqual(['Packages', 'PackageDirectories', 'SyncScripts', 'PrepareScripts']);
  });

  test('the regex forms share storage with the glob forms; the exclude forms keep their own key', () => {
    expect(def('KernelModulesInclude').jsonKey).toBe('KernelModules');
    expect(def('KernelModulesInitrdInclude').jsonKey).toBe('KernelInitrdModules');
    expect(def('FirmwareInclude').jsonKey).toBe('FirmwareFiles');
    expect(['KernelModulesExclude', 'KernelModulesInitrdExclude', 'FirmwareExclude'].map((n) => def(n).jsonKey))
      .toEqual([undefined, undefined, undefined]);
  });

  test('default paths', () => {
    const paths = [...defs.values()].filter((d) => d.paths).map((d) => [d.name, d.paths?.map((p) => p.use ? `${p.path} (${p.use})` : p.path)]);
    expect(paths).toEqual([
      ['PackageDirectories', ['mkosi.packages']],
      ['SkeletonTrees', ['mkosi.skeleton', 'mkosi.skeleton.tar']],
      ['ExtraTrees', ['mkosi.extra', 'mkosi.extra.tar']],
      ['SyncScripts', ['mkosi.sync', 'mkosi.sync.d/*']],
      ['PrepareScripts', ['mkosi.prepare', 'mkosi.prepare.chroot', 'mkosi.prepare.d/*']],
      ['BuildScripts', ['mkosi.build', 'mkosi.build.chroot', 'mkosi.build.d/*']],
      ['PostInstallationScripts', ['mkosi.postinst', 'mkosi.postinst.chroot', 'mkosi.postinst.d/*']],
      ['FinalizeScripts', ['mkosi.finalize', 'mkosi.finalize.chroot', 'mkosi.finalize.d/*']],
      ['PostOutputScripts', ['mkosi.postoutput', 'mkosi.postoutput.d/*']],
      ['UnifiedKernelImageProfiles', ['mkosi.uki-profiles/*.conf']],
      ['RootPassword', ['mkosi.rootpw (contents)']],
      ['MachineId', ['mkosi.machine-id (contents)']],
    ]);
  });

  test('CLI flags: -p for packages, -a alone means --autologin=yes', () => {
    expect(def('Packages').cli).toMatchObject({ long: '--package', short: '-p' });
    expect(def('Autologin').cli).toMatchObject({ long: '--autologin', short: '-a', shortConst: 'yes' });
    expect([...defs.values()].filter((d) => d.cli?.short).map((d) => d.name)).toEqual(['Packages', 'Autologin']);
    expect(def('PostInstallationScripts').cli?.long).toBe('--postinst-script');
    expect(def('UnifiedKernelImageProfiles').cli?.long).toBe('--uki-profile');
    expect(def('Initrds').cli?.long).toBe('--initrd');
    expect([...defs.values()].every((d) => d.cli?.long.startsWith('--'))).toBe(true);
  });

  test('argparse choices: the bootloaders and Ssh (no booleans on the command line); UnifiedKernelImages has none', () => {
    const choices = [...defs.values()].filter((d) => d.cli?.choices).map((d) => [d.name, d.cli?.choices]);
    expect(choices).toEqual([
      ['Bootloader', ['none', 'uki', 'systemd-boot', 'grub', 'uki-signed', 'systemd-boot-signed', 'grub-signed', '']],
      ['BiosBootloader', ['none', 'grub', '']], ['ShimBootloader', ['none', 'signed', 'unsigned', '']],
      ['Ssh', ['always', 'auto', 'runtime', 'never', '']],
    ]);
  });

  test('compat names are warned about and applied', () => {
    expect(findSetting('Devicetree')).toMatchObject({ def: { name: 'Devicetrees' }, compat: true });
    const compat = [...defs.values()].filter((d) => d.compatNames).map((d) => [d.name, d.compatNames]);
    expect(compat).toEqual([
      ['PrepareScripts', ['PrepareScript']], ['BuildScripts', ['BuildScript']],
      ['PostInstallationScripts', ['PostInstallationScript']], ['FinalizeScripts', ['FinalizeScript']],
      ['Devicetrees', ['Devicetree']],
    ]);
  });

  test('Bootable is the only matchable setting; RootPassword the only secret', () => {
    expect([...defs.values()].filter((d) => d.match).map((d) => [d.name, d.match])).toEqual([['Bootable', 'feature']]);
    expect([...defs.values()].filter((d) => d.secret).map((d) => d.name)).toEqual(['RootPassword']);
  });
});

describe('[Content] defaults (empty config, 27.1)', () => {
  test.each([
    ['Packages', []], ['BuildPackages', []], ['VolatilePackages', []], ['PackageDirectories', []],
    ['WithRecommends', false], ['WithDocs', true], ['BaseTrees', []], ['SkeletonTrees', []], ['ExtraTrees', []],
    ['RemoveFiles', []], ['CleanPackageMetadata', 'auto'], ['SourceDateEpoch', null], ['PrepareScripts', []],
    ['Bootable', 'auto'], ['Bootloader', 'systemd-boot'], ['BiosBootloader', 'none'], ['ShimBootloader', 'none'],
    ['UnifiedKernelImages', 'auto'], ['UnifiedKernelImageFormat', null], ['UnifiedKernelImageProfiles', []],
    ['MicrocodeHost', false], ['InitrdPackages', []], ['Devicetrees', []], ['Splash', null],
    ['KernelCommandLine', []], ['KernelModulesExclude', []], ['KernelModules', []], ['KernelModulesIncludeHost', false],
    ['KernelModulesInitrd', true], ['KernelInitrdModules', []], ['FirmwareFiles', []], ['Locale', null],
    ['Keymap', null], ['RootPassword', null], ['RootShell', null], ['MachineId', null], ['Autologin', false],
    ['MakeInitrd', false], ['Ssh', 'auto'], ['SELinuxRelabel', 'auto'],
  ])('%s', (name, expected) => {
    expect(defaultOf(def(name))).toEqual(expected);
  });

  test('Initrds is empty without a kernel package', () => {
    expect(defaultOf(def('Initrds'), defaultContext({ Format: 'disk', Bootable: 'auto', Distribution: 'debian', Packages: [] }))).toEqual([]);
  });

  test("SourceDateEpoch comes from mkb's own $SOURCE_DATE_EPOCH, not from Environment=", () => {
    const of = (env: Record<string, string>, values: Record<string, unknown> = {}) =>
      defaultOf(def('SourceDateEpoch'), defaultContext(values, { env }));
    expect(of({ SOURCE_DATE_EPOCH: '1700000000' })).toBe(1700000000);
    expect(of({ SOURCE_DATE_EPOCH: ' 8 ' })).toBe(8);
    expect(of({ SOURCE_DATE_EPOCH: '' })).toBeNull();
    expect(of({}, { Environment: { SOURCE_DATE_EPOCH: '5' } })).toBeNull();
    expect(of({ SOURCE_DATE_EPOCH: '7' }, { Environment: { SOURCE_DATE_EPOCH: '5' } })).toBe(7);
    expect(() => of({ SOURCE_DATE_EPOCH: 'x' })).toThrow("Timestamp 'x' is not a valid integer");
  });

  test('an empty SourceDateEpoch= is null even when $SOURCE_DATE_EPOCH is set', () => {
    expect(def('SourceDateEpoch').emptyIsNull).toBe(true);
    expect([...defs.values()].filter((d) => d.emptyIsNull).map((d) => d.name)).toEqual(['SourceDateEpoch']);
  });
});
