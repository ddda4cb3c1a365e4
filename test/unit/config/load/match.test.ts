import { describe, expect, test } from 'vitest';
import { fnmatch } from '../../../../src/util/fnmatch.js';
import { ConfigInvalid } from '../../../../src/config/diagnostics.js';
import { configTree, loadTree, mainImage } from '../../../helpers/config-tree.js';

async function packagesOf(tree: Record<string, string>, host = {}): Promise<unknown> {
  return mainImage(await loadTree(await configTree(tree), { host }))['Packages'];
}

describe('[Match] and friends', () => {
  test('! negates; | conditions are OR-ed inside a section and AND-ed with the plain ones', async () => {
    expect(await packagesOf({
      'mkosi.conf': '[Output]\nImageId=img\nFormat=tar\n',
      'mkosi.conf.d/10.conf': '[Match]\nFormat=!disk\nImageId=|nope\nImageId=|img\n[Content]\nPackages=matched\n',
      'mkosi.conf.d/20.conf': '[Match]\nFormat=!tar\n[Content]\nPackages=not-matched\n',
      'mkosi.conf.d/30.conf': '[Match]\nImageId=|!img\nImageId=|other\n[Content]\nPackages=negated-trigger\n',
    })).toEqual(['matched']);
  });

  test('every [Match] section must hold; at least one [TriggerMatch] section', async () => {
    expect(await packagesOf({
      'mkosi.conf.d/10.conf': '[Match]\nDistribution=debian\n[Match]\nRelease=bookworm\n[Content]\nPackages=both\n',
      'mkosi.conf.d/20.conf': '[TriggerMatch]\nDistribution=fedora\n[TriggerMatch]\nRelease=bookworm\n[Content]\nPackages=trigger\n',
      'mkosi.conf.d/30.conf': '[TriggerMatch]\nDistribution=fedora\n[Content]\nPackages=none\n',
    })).toEqual(['both', 'trigger']);
  });

  test('conditions see the value at that point of parsing', async () => {
    expect(await packagesOf({
      'mkosi.conf.d/10.conf': '[Match]\nImageId=late\n[Content]\nPackages=too-early\n',
      'mkosi.conf.d/20.conf': '[Output]\nImageId=late\n',
      'mkosi.conf.d/30.conf': '[Match]\nImageId=late\n[Content]\nPackages=after\n',
    })).toEqual(['after']);
  });

  test('an unset value fails before negation', async () => {
    expect(await packagesOf({ 'mkosi.conf.d/10.conf': '[Match]\nImageId=!x\n[Content]\nPackages=yes\n' })).toEqual(['yes']);
  });

  test('ImageVersion compares versions; ImageId globs', async () => {
    expect(await packagesOf({
      'mkosi.conf': '[Output]\nImageVersion=1.10\nImageId=base-image\n',
      'mkosi.conf.d/10.conf': '[Match]\nImageVersion=>1.9\nImageId=base-*\n[Content]\nPackages=ok\n',
      'mkosi.conf.d/20.conf': '[Match]\nImageVersion=<=1.9\n[Content]\nPackages=bad\n',
    })).toEqual(['ok']);
  });

  test('PathExists is relative to the directory being parsed; SystemdVersion asks the host', async () => {
    expect(await packagesOf({
      marker: '',
      'mkosi.conf.d/10.conf': '[Match]\nPathExists=marker\nSystemdVersion=>=250\n[Content]\nPackages=ok\n',
      'mkosi.conf.d/20.conf': '[Match]\nSystemdVersion=>=999\n[Content]\nPackages=bad\n',
    }, { systemdVersion: () => Promise.resolve('257') })).toEqual(['ok']);
  });

  test('Architecture=uefi matches EFI architectures; HostArchitecture the host', async () => {
    expect(await packagesOf({
      'mkosi.conf': '[Distribution]\nArchitecture=arm64\n',
      'mkosi.conf.d/10.conf': '[Match]\nArchitecture=uefi\nHostArchitecture=x86-64\n[Content]\nPackages=ok\n',
    })).toEqual(['ok']);
  });

  test('an unknown key or an unmatchable setting is an error; a failing [Assert] too', async () => {
    for (const text of ['[Match]\nFrobnicate=1\n', '[Match]\nWithDocs=yes\n', '[Assert]\nDistribution=fedora\n', '[TriggerAssert]\nFormat=tar\n']) {
      const error = await loadTree(await configTree({ 'mkosi.conf': text })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigInvalid);
    }
  });

  test('fnmatch follows Python fnmatchcase', () => {
    expect(fnmatch('a/b', '*')).toBe(true);
    expect(fnmatch('abc', 'a?c')).toBe(true);
    expect(fnmatch('abc', 'a[!b]c')).toBe(false);
    expect(fnmatch('a.c', 'a[.]c')).toBe(true);
    expect(fnmatch('ABC', 'abc')).toBe(false);
  });
});
