import { describe, expect, test } from 'vitest';
import { err, ok } from '../../../../src/errors/result.js';
import { fnmatch } from '../../../../src/util/fnmatch.js';
import {
  expandKernelModules, globsMatchFilename, globsMatchFirmware, globsMatchModule, isModuleFile, modulePathToName, normalizeModuleGlob,
  parseLoadedModules, parseModinfo, resolveDependencies, selectFirmware, selectKernelModules,
} from '../../../../src/nodes/finalize/kernel-modules.js';
import type { ModuleInfo } from '../../../../src/nodes/finalize/kernel-modules.js';

describe('fnmatch, as Python has it', () => {
  test('`*` crosses slashes, `?` is one character, sets and negated sets, an unclosed `[` is literal', () => {
    expect(fnmatch('a/b/c', 'a*c')).toBe(true);
    expect(fnmatch('ab', 'a?')).toBe(true);
    expect(fnmatch('a', 'a?')).toBe(false);
    expect(fnmatch('raid5', 'raid[0-9]*')).toBe(true);
    expect(fnmatch('raidx', 'raid[!0-9]')).toBe(true);
    expect(fnmatch('raid1', 'raid[!0-9]')).toBe(false);
    expect(fnmatch('a[b', 'a[b')).toBe(true);
    expect(fnmatch('a.b', 'a?b')).toBe(true);
    expect(fnmatch('a.b', 'a.b')).toBe(true);
    expect(fnmatch('axb', 'a.b')).toBe(false);
    expect(fnmatch('a]', '[]]]')).toBe(false);
    expect(fnmatch(']]', '[]]]')).toBe(true);
  });
});

describe('module globs', () => {
  const mod = (name: string, globs: readonly string[]): boolean => globsMatchModule(name, globs.map(normalizeModuleGlob));

  test('a basename glob matches the module anywhere; the .ko and compression suffixes are ignored (in the path, not the glob)', () => {
    expect(mod('kernel/fs/ext4/ext4.ko', ['ext4'])).toBe(true);
    expect(mod('kernel/fs/ext4/ext4.ko.xz', ['ext4'])).toBe(true);
    expect(mod('kernel/fs/ext4/ext4.ko.zst', ['ext*'])).toBe(true);
    expect(mod('kernel/fs/ext4/ext4.ko.gz', ['ext4'])).toBe(true);
    expect(mod('kernel/fs/ext4/ext4.ko', ['ext4.ko'])).toBe(false);
    expect(mod('kernel/fs/ext4/ext4.ko', ['ext'])).toBe(false);
  });

  test('underscores and dashes are the same, except inside [...]', () => {
    expect(normalizeModuleGlob('virtio_net')).toBe('virtio-net');
    expect(normalizeModuleGlob('a_[_b]_c')).toBe('a-[_b]-c');
    expect(normalizeModuleGlob('a[_')).toBe('a[_');
    expect(mod('kernel/drivers/net/virtio_net.ko', ['virtio-net'])).toBe(false);
    expect(globsMatchModule('kernel/drivers/net/virtio-net.ko', [normalizeModuleGlob('virtio_net')])).toBe(true);
  });

  test('a leading / is tried below kernel/ first, then from the top of the kernel directory', () => {
    expect(mod('kernel/drivers/net/dummy.ko', ['/drivers/net/dummy'])).toBe(true);
    expect(mod('updates/dkms/foo.ko', ['/updates/dkms/foo'])).toBe(true);
    expect(mod('kernel/drivers/net/dummy.ko', ['/net/dummy'])).toBe(false);
  });

  test('a glob with a slash inside matches a tail of the path at a component boundary', () => {
    expect(mod('kernel/drivers/net/dummy.ko', ['net/dummy'])).toBe(true);
    expect(mod('kernel/drivers/xnet/dummy.ko', ['net/dummy'])).toBe(false);
  });

  test('a trailing / matches the whole subtree', () => {
    expect(mod('kernel/fs/nls/nls_utf8.ko', ['/fs/nls/'])).toBe(true);
    expect(mod('kernel/fs/nls/sub/x.ko', ['/fs/nls/'])).toBe(true);
    expect(mod('kernel/fs/ext4/ext4.ko', ['/fs/nls/'])).toBe(false);
    expect(mod('kernel/crypto/sha1.ko', ['crypto/'])).toBe(true);
    expect(mod('kernel/arch/x86/crypto/sha1-ssse3.ko', ['crypto/'])).toBe(true);
  });

  test('the last matching glob wins; a - prefix excludes; nothing matching is not selected (or the default)', () => {
    expect(mod('kernel/fs/fat/vfat.ko', ['/fs/fat/', '-vfat'])).toBe(false);
    expect(mod('kernel/fs/fat/vfat.ko', ['-vfat', '/fs/fat/'])).toBe(true);
    expect(mod('kernel/fs/fat/msdos.ko', ['/fs/fat/', '-vfat'])).toBe(true);
    expect(mod('kernel/drivers/crypto/ccp/ccp.ko', ['crypto/', '-/drivers/crypto/', 'ccp'])).toBe(true);
    expect(mod('kernel/drivers/crypto/qat/qat.ko', ['crypto/', '-/drivers/crypto/', 'ccp'])).toBe(false);
    expect(globsMatchFilename('x', [])).toBe(false);
    expect(globsMatchFilename('x', ['-y'], true)).toBe(true);
  });

  test('firmware globs ignore a compression suffix but not other extensions', () => {
    expect(globsMatchFirmware('cis/NE2K.cis.xz', ['/cis/NE2K*'])).toBe(true);
    expect(globsMatchFirmware('carl9170-1.fw.zst', ['carl9170-1.fw'])).toBe(true);
    expect(globsMatchFirmware('carl9170-1.fw', ['carl9170-1'])).toBe(false);
  });

  test('module files and names', () => {
    expect(['a.ko', 'a.ko.xz', 'a.ko.zst', 'a.ko.gz', 'a.ko.bz2', 'a.kobj', 'modules.dep'].map(isModuleFile)).toEqual([true, true, true, true, false, false, false]);
    expect(modulePathToName('kernel/net/netfilter/nf_tables.ko.xz')).toBe('nf-tables');
    expect(parseLoadedModules('virtio_net 65536 0 - Live 0x0\nloop 32768 0 - Live 0x0\n')).toEqual(['virtio-net', 'loop']);
  });
});

const MODULES = [
  'kernel/fs/ext4/ext4.ko', 'kernel/fs/jbd2/jbd2.ko', 'kernel/fs/fat/fat.ko', 'kernel/fs/fat/vfat.ko',
  'kernel/drivers/net/virtio_net.ko.xz', 'kernel/drivers/scsi/isci/isci.ko', 'updates/dkms/vbox.ko',
];

describe('module selection', () => {
  test('an include list alone keeps only what it selects; none keeps everything', () => {
    expect(selectKernelModules(MODULES, { include: ['ext4', '/fs/fat/', '-vfat'], exclude: [] })).toEqual(ok(['ext4', 'fat']));
    expect(selectKernelModules(MODULES, { include: [], exclude: [] })).toEqual(ok(['ext4', 'fat', 'isci', 'jbd2', 'vbox', 'vfat', 'virtio-net']));
    expect(selectKernelModules(MODULES, { include: ['-ext4'], exclude: [] })).toEqual(ok([]));
  });

  test('regexes (re:) search the path below the first directory, suffix included, beside the globs', () => {
    expect(selectKernelModules(MODULES, { include: ['re:^drivers/scsi/', 'jbd2'], exclude: [] })).toEqual(ok(['isci', 'jbd2']));
    expect(selectKernelModules(MODULES, { include: ['re:^kernel/'], exclude: [] })).toEqual(ok([]));
    expect(selectKernelModules(MODULES, { include: ['re:\\.ko\\.xz$'], exclude: [] })).toEqual(ok(['virtio-net']));
    expect(selectKernelModules(MODULES, { include: ['re:^dkms/'], exclude: [] })).toEqual(ok(['vbox']));
  });

  test('an exclude list drops what it matches from all modules, except what the include list names', () => {
    expect(selectKernelModules(MODULES, { include: [], exclude: ['re:^fs/'] })).toEqual(ok(['isci', 'vbox', 'virtio-net']));
    expect(selectKernelModules(MODULES, { include: ['vfat'], exclude: ['re:^fs/'] })).toEqual(ok(['isci', 'vbox', 'vfat', 'virtio-net']));
    expect(selectKernelModules(MODULES, { include: ['re:ext'], exclude: ['re:fat', 're:ext4'] })).toEqual(ok(['ext4', 'isci', 'jbd2', 'vbox', 'virtio-net']));
  });

  test('a bad regular expression is an error naming the setting and the pattern', () => {
    expect(selectKernelModules(MODULES, { include: ['re:('], exclude: [] })).toEqual(err(expect.stringContaining('KernelModulesInclude=(')));
    expect(selectKernelModules(MODULES, { include: [], exclude: ['re:[a'] })).toEqual(err(expect.stringContaining('KernelModulesExclude=[a')));
  });
});

describe('default and host', () => {
  const sources = { loaded: ['loop', 'virtio-net'], initrd: ['ext4', 'loop', '/fs/nls/'] };

  test('default is mkosi-initrd\'s list, host the loaded modules once; duplicates go, the first place stays', () => {
    expect(expandKernelModules(['vfat', 'default', 'host', 'ext4'], false, sources)).toEqual(ok(['vfat', 'ext4', 'loop', '/fs/nls/', 'virtio-net']));
    expect(expandKernelModules(['default', 'host'], true, sources)).toEqual(ok(['loop', 'virtio-net', 'ext4', '/fs/nls/']));
    expect(expandKernelModules(['host', 'host'], false, sources)).toEqual(ok(['loop', 'virtio-net']));
  });

  test('an unknown source is an error', () => {
    expect(expandKernelModules(['host'], false, { loaded: undefined, initrd: [] })).toEqual(err(expect.stringContaining('/proc/modules')));
    expect(expandKernelModules(['default'], false, { loaded: [], initrd: undefined })).toEqual(err(expect.stringContaining('default initrd')));
    expect(expandKernelModules(['ext4'], false, { loaded: undefined, initrd: undefined })).toEqual(ok(['ext4']));
  });
});

describe('dependencies', () => {
  test('modinfo --null output: fields up to name: belong to that module; softdep drops pre:/post:', () => {
    const out = [
      'filename:       /lib/modules/6.1/kernel/fs/ext4/ext4.ko', 'softdep:        pre: crc32c', 'depends:        mbcache,jbd2',
      'name:           ext4', 'vermagic:       6.1', 'firmware:       carl9170-1.fw', 'depends:        mac80211,ath',
      'softdep:        pre: a_b post: c', 'name:           carl9170', 'filename: (builtin)', 'name: crc32c_generic', '',
    ].join('\0');
    const info = parseModinfo(out);
    expect([...info.keys()]).toEqual(['ext4', 'carl9170', 'crc32c-generic']);
    expect(info.get('ext4')).toEqual({ modules: new Set(['crc32c', 'mbcache', 'jbd2']), firmware: [] });
    expect(info.get('carl9170')).toEqual({ modules: new Set(['mac80211', 'ath', 'a-b', 'c']), firmware: ['carl9170-1.fw'] });
  });

  test('the closure follows installed modules only, starts from the builtin ones too, and collects firmware', async () => {
    const db: Record<string, ModuleInfo> = {
      ext4: { modules: new Set(['jbd2', 'crc16', 'crc32c']), firmware: [] },
      jbd2: { modules: new Set(), firmware: [] },
      crc16: { modules: new Set(), firmware: [] },
      usbcore: { modules: new Set(['usb-common']), firmware: [] },
      'usb-common': { modules: new Set(), firmware: ['usb.fw'] },
      ghost: { modules: new Set(['gone']), firmware: [] },
    };
    const calls: string[][] = [];
    const modinfo = async (names: readonly string[]) => {
      calls.push([...names]);
      return ok(new Map(names.map((n) => [n, db[n] ?? { modules: new Set<string>(), firmware: [] }] as const)));
    };
    const r = await resolveDependencies({
      selected: ['ext4', 'ghost'], builtin: new Set(['usbcore', 'crc32c']), installed: new Set(['ext4', 'jbd2', 'crc16', 'usb-common', 'ghost']), modinfo,
    });
    expect(r.ok && [...r.value.modules].sort()).toEqual(['crc16', 'crc32c', 'ext4', 'ghost', 'jbd2', 'usb-common', 'usbcore']);
    expect(r.ok && [...r.value.firmware]).toEqual(['usb.fw']);
    expect(r.ok && r.value.missing).toEqual([{ module: 'ghost', dependency: 'gone' }]);
    expect(calls).toEqual([['crc32c', 'ext4', 'ghost', 'usbcore'], ['crc16', 'jbd2', 'usb-common']]);
  });

  test('a modinfo failure stops the closure', async () => {
    const r = await resolveDependencies({ selected: ['a'], builtin: new Set(), installed: new Set(['a']), modinfo: async () => err('boom') });
    expect(r).toEqual(err('boom'));
  });
});

describe('firmware selection', () => {
  const all = ['carl9170-1.fw', 'cis/NE2K.cis', 'cis/PE520.cis', 'keyspan_pda/keyspan_pda.fw', 'keyspan_pda/xircom_pgs.fw', 'isci/isci_firmware.bin.xz'];

  test('the modules\' firmware stays; globs add files and subtrees, a negative glob drops even needed firmware', () => {
    const needed = new Set(['carl9170-1.fw', 'isci/isci_firmware.bin.xz']);
    expect(selectFirmware(needed, all, { include: [], exclude: [] })).toEqual(ok(needed));
    expect(selectFirmware(needed, all, { include: ['keyspan_pda/', '-keyspan_pda/xircom_pgs.fw', '/cis/NE2K*'], exclude: [] }))
      .toEqual(ok(new Set(['carl9170-1.fw', 'isci/isci_firmware.bin.xz', 'keyspan_pda/keyspan_pda.fw', 'cis/NE2K.cis'])));
    expect(selectFirmware(needed, all, { include: ['-isci/*'], exclude: [] })).toEqual(ok(new Set(['carl9170-1.fw'])));
  });

  test('regexes: FirmwareInclude= adds what it finds anywhere in the path, FirmwareExclude= drops needed firmware', () => {
    const needed = new Set(['carl9170-1.fw', 'isci/isci_firmware.bin.xz']);
    expect(selectFirmware(needed, all, { include: ['re:PE5'], exclude: ['re:^isci/'] })).toEqual(ok(new Set(['carl9170-1.fw', 'cis/PE520.cis'])));
    expect(selectFirmware(needed, all, { include: [], exclude: ['re:('] })).toEqual(err(expect.stringContaining('FirmwareExclude=(')));
  });
});
