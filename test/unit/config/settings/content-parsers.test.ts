import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CONTENT_SETTINGS } from '../../../../src/config/settings/content-section.js';
import type { SettingDef } from '../../../../src/config/settings/types.js';
import { parseAll, parseEnv } from './default-context.js';

const defs = new Map<string, SettingDef>((CONTENT_SETTINGS as readonly SettingDef[]).map((d) => [d.name, d]));
const def = (name: string): SettingDef => {
  const found = defs.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};
const dir = mkdtempSync(join(tmpdir(), 'mkb-content-'));
for (const sub of ['skel', 'extra', 'pkgs', 'real/sub', 'scripts/sub']) mkdirSync(join(dir, sub), { recursive: true });
for (const file of ['scripts/b', 'scripts/a', 'scripts/.hidden', 'scripts/sub/c', 'real/sub/x']) writeFileSync(join(dir, file), '');
symlinkSync('real', join(dir, 'link'));
symlinkSync('nowhere', join(dir, 'scripts/zdangling'));
const env = parseEnv(dir, { FOO: 'foo' });
const parse = (name: string, ...raws: string[]): unknown => parseAll(def(name), raws, env);

describe('package lists', () => {
  test('Packages are re-sorted after every assignment: names, then /paths, then (conditionals); duplicates kept', () => {
    expect(parse('Packages', 'zsh /tmp/b.deb (foo|bar) apt zsh ./local.rpm Zed @group ?pattern ~x 1abc'))
      .toEqual(['./local.rpm', '1abc', '?pattern', '@group', 'Zed', 'apt', 'zsh', 'zsh', '~x', '/tmp/b.deb', '(foo|bar)']);
    expect(parse('Packages', 'z', 'b,a')).toEqual(['a', 'b', 'z']);
    expect(parse('BuildPackages', 'b,a')).toEqual(['a', 'b']);
    expect(parse('VolatilePackages', 'z a')).toEqual(['a', 'z']);
  });

  test('an empty assignment empties the list', () => {
    expect(parse('Packages', 'a', '', 'b')).toEqual(['b']);
  });

  test('RemovePackages, InitrdPackages and InitrdVolatilePackages keep the order given', () => {
    for (const name of ['RemovePackages', 'InitrdPackages', 'InitrdVolatilePackages', 'InitrdProfiles', 'Devicetrees', 'RemoveFiles']) {
      expect(parse(name, 'z a'), name).toEqual(['z', 'a']);
    }
  });

  test('InitrdProfiles accepts any word (profiles are checked when the initrd is configured)', () => {
    expect(parse('InitrdProfiles', '../x a/b')).toEqual(['../x', 'a/b']);
  });
});

describe('paths and trees', () => {
  test('PackageDirectories must exist and resolve symlinks; duplicates kept', () => {
    expect(parse('PackageDirectories', 'pkgs pkgs')).toEqual([join(dir, 'pkgs'), join(dir, 'pkgs')]);
    expect(parse('VolatilePackageDirectories', 'link/sub')).toEqual([join(dir, 'real/sub')]);
    expect(() => parse('PackageDirectories', 'nonexist')).toThrow('does not exist');
  });

  test('BaseTrees and Initrds need not exist yet; Initrds keeps the word default', () => {
    expect(parse('BaseTrees', 'missing $FOO/x ~/y')).toEqual([join(dir, 'missing'), join(dir, 'foo/x'), '/home/u/y']);
    expect(parse('Initrds', 'default,missing')).toEqual(['default', join(dir, 'missing')]);
  });

  test('SkeletonTrees sources must exist; ExtraTrees sources need not', () => {
    expect(parse('SkeletonTrees', 'skel skel:/usr/share/x')).toEqual([
      { Source: join(dir, 'skel'), Target: null }, { Source: join(dir, 'skel'), Target: '/usr/share/x' },
    ]);
    expect(() => parse('SkeletonTrees', 'nonexist')).toThrow('does not exist');
    expect(parse('ExtraTrees', 'missing-extra:/opt')).toEqual([{ Source: join(dir, 'missing-extra'), Target: '/opt' }]);
  });

  test('tree targets must be absolute and are normalized like PurePosixPath', () => {
    expect(() => parse('SkeletonTrees', 'skel:rel')).toThrow('rel must be an absolute path');
    expect(() => parse('ExtraTrees', 'extra:')).toThrow('must be an absolute path');
    expect(parse('ExtraTrees', 'extra:/x//y/./z/', 'extra:/x:y', 'extra://x')).toEqual([
      { Source: join(dir, 'extra'), Target: '/x/y/z' }, { Source: join(dir, 'extra'), Target: '/x:y' },
      { Source: join(dir, 'extra'), Target: '//x' },
    ]);
  });

  test('Splash must be absolute after ~ and $VAR expansion, and need not exist', () => {
    expect(parse('Splash', '/nonexist')).toBe('/nonexist');
    expect(parse('Splash', '~/splash.bmp')).toBe('/home/u/splash.bmp');
    expect(() => parse('Splash', 'nonexist')).toThrow('must be an absolute path');
  });
});

describe('script lists', () => {
  test('globs expand sorted without dotfiles; ** is not recursive; literals that do not exist add nothing', () => {
    expect(parse('BuildScripts', 'scripts/*')).toEqual(['a', 'b', 'sub'].map((f) => join(dir, 'scripts', f)));
    expect(parse('BuildScripts', 'scripts/**')).toEqual(['a', 'b', 'sub'].map((f) => join(dir, 'scripts', f)));
    expect(parse('PrepareScripts', 'scripts/*/*', 'scripts/[ab]')).toEqual([join(dir, 'scripts/sub/c'), join(dir, 'scripts/a'), join(dir, 'scripts/b')]);
    expect(parse('SyncScripts', 'nonexist', 'scripts/nomatch-*')).toEqual([]);
    expect(parse('SyncScripts', 'scripts/a,scripts/a')).toEqual([join(dir, 'scripts/a'), join(dir, 'scripts/a')]);
  });

  test('~ and $VAR are not expanded', () => {
    expect(parse('PostOutputScripts', '$FOO', '~')).toEqual([]);
  });

  test('matches resolve symlinks', () => {
    expect(parse('FinalizeScripts', 'link/*/x')).toEqual([join(dir, 'real/sub/x')]);
  });

  test('a dangling symlink named as a literal path is an error', () => {
    expect(() => parse('FinalizeScripts', 'scripts/zdangling')).toThrow('does not exist');
  });
});

describe('enums and features', () => {
  test('UnifiedKernelImages: booleans map to signed/none, enabled/disabled are refused', () => {
    expect(['yes', 'no', 'auto', 'signed', 'unsigned', 'none', 'always', 'never', 'On'].map((v) => parse('UnifiedKernelImages', v)))
      .toEqual(['signed', 'none', 'auto', 'signed', 'unsigned', 'none', 'signed', 'none', 'signed']);
    expect(() => parse('UnifiedKernelImages', 'enabled')).toThrow("Invalid boolean literal: 'enabled'");
    expect(() => parse('UnifiedKernelImages', 'Signed')).toThrow("'Signed'");
  });

  test('Ssh: booleans map to always/never', () => {
    expect(['yes', 'no', 'auto', 'runtime', 'true', ''].map((v) => parse('Ssh', v))).toEqual(['always', 'never', 'auto', 'runtime', 'always', 'auto']);
    expect(() => parse('Ssh', 'Runtime')).toThrow("Invalid boolean literal: 'Runtime'");
  });

  test('bootloaders take no booleans', () => {
    expect(parse('Bootloader', 'uki-signed')).toBe('uki-signed');
    expect(() => parse('Bootloader', 'yes')).toThrow("'yes' is not a valid Bootloader");
    expect(() => parse('Bootloader', 'UKI')).toThrow("'UKI' is not a valid Bootloader");
    expect(() => parse('BiosBootloader', 'no')).toThrow("'no' is not a valid BiosBootloader");
    expect(parse('ShimBootloader', 'unsigned')).toBe('unsigned');
  });

  test('features: CleanPackageMetadata, Bootable, SELinuxRelabel', () => {
    expect(['yes', 'no', 'auto', 'enabled', 'disabled'].map((v) => parse('CleanPackageMetadata', v)))
      .toEqual(['enabled', 'disabled', 'auto', 'enabled', 'disabled']);
    expect(() => parse('Bootable', 'Auto')).toThrow("'Auto'");
    expect(parse('SELinuxRelabel', 'no')).toBe('disabled');
  });

  test('UnifiedKernelImageFormat is a file name and keeps & specifiers', () => {
    expect(parse('UnifiedKernelImageFormat', '&e-&k')).toBe('&e-&k');
    for (const bad of ['a/b', '.', '..']) expect(() => parse('UnifiedKernelImageFormat', bad)).toThrow(`'${bad}' is not a valid filename.`);
  });
});

describe('SourceDateEpoch', () => {
  test("a non-negative integer as Python's int() reads it", () => {
    expect(['0', '1', '+5', ' 7', '1_000'].map((v) => parse('SourceDateEpoch', v))).toEqual([0, 1, 5, 7, 1000]);
    expect(parse('SourceDateEpoch', '3', '')).toBeNull();
  });

  test.each([['1.5'], ['abc'], ['0x10']])('%s is not a valid integer', (raw) => {
    expect(() => parse('SourceDateEpoch', raw)).toThrow(`Timestamp '${raw}' is not a valid integer`);
  });

  test('negative timestamps are refused', () => {
    expect(() => parse('SourceDateEpoch', '-1')).toThrow('Source date epoch timestamp cannot be negative (got -1)');
  });
});

describe('kernel modules and firmware', () => {
  test('the regex forms store every item with an re: prefix, except the special values default and host (as mkosi 27.1)', () => {
    expect(parse('KernelModulesInclude', 'virtio.* -x default host')).toEqual(['re:virtio.*', 're:-x', 'default', 'host']);
    expect(parse('KernelModulesExclude', 'host x')).toEqual(['host', 're:x']);
    expect(parse('KernelModulesExclude', 'nvidia.*')).toEqual(['re:nvidia.*']);
    expect(parse('FirmwareExclude', 'amdgpu/.*')).toEqual(['re:amdgpu/.*']);
    expect(parse('KernelModulesInitrdExclude', '(')).toEqual(['re:(']);
  });

  test('glob and regex forms append to one list in the order given; either empties it', () => {
    const shared = (steps: readonly (readonly [string, string])[]): unknown =>
      steps.reduce<unknown>((old, [name, raw]) => def(name).kind.parse(raw, old, env), undefined);
    expect(shared([['KernelModules', 'b a'], ['KernelModulesInclude', 'd c'], ['KernelModules', 'x,y']]))
      .toEqual(['b', 'a', 're:d', 're:c', 'x', 'y']);
    expect(shared([['KernelModules', 'ext4'], ['KernelModulesInclude', '']])).toEqual([]);
    expect(shared([['FirmwareInclude', 'fw'], ['FirmwareFiles', 'iwlwifi*']])).toEqual(['re:fw', 'iwlwifi*']);
  });

  test('KernelCommandLine splits on spaces and newlines only', () => {
    expect(parse('KernelCommandLine', 'a\tb c,d\ne')).toEqual(['a\tb', 'c,d', 'e']);
  });
});

describe('first-boot settings', () => {
  test('RootPassword: stripped, hashed: prefix, empty password', () => {
    expect(parse('RootPassword', 'hashed:$6$salt$hash')).toEqual(['$6$salt$hash', true]);
    expect(parse('RootPassword', 'hashed:')).toEqual(['', true]);
    expect(parse('RootPassword', 'a b  c')).toEqual(['a b  c', false]);
    expect(parse('RootPassword', 'HASHED:x')).toEqual(['HASHED:x', false]);
    expect(parse('RootPassword', '  x  ')).toEqual(['x', false]);
    expect(parse('RootPassword', 'hashed:  x  ')).toEqual(['  x', true]);
    expect(parse('RootPassword', ' ')).toEqual(['', false]);
    expect(parse('RootPassword', 'a\nb')).toEqual(['a\nb', false]);
    expect(parse('RootPassword', 'x', '')).toBeNull();
  });

  test('MachineId: random or a UUID in any of Python uuid.UUID forms', () => {
    expect(parse('MachineId', 'random')).toBe('00000000-0000-4000-8000-000000000000');
    for (const raw of ['0f1e2d3c4b5a69788796a5b4c3d2e1f0', '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0',
      '{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}', 'urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', '0f-1e2d3c4b5a69788796a5b4c3d2e1f0']) {
      expect(parse('MachineId', raw), raw).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    }
    expect(() => parse('MachineId', 'xyz')).toThrow('xyz is not a valid UUID');
    expect(() => parse('MachineId', '  random  ')).toThrow('is not a valid UUID');
  });

  test('strings keep surrounding spaces (from the command line)', () => {
    expect(parse('Hostname', ' h ')).toBe(' h ');
    expect(parse('Locale', 'C.UTF-8', '')).toBeNull();
  });
});
