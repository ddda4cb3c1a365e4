import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ok } from '../../../../src/errors/result.js';
import { filterKernel } from '../../../../src/nodes/finalize/kernel-module-filter.js';
import type { KernelModuleFilters } from '../../../../src/nodes/finalize/kernel-module-filter.js';
import type { ModuleInfo } from '../../../../src/nodes/finalize/kernel-modules.js';
import type { TreeStepContext } from '../../../../src/nodes/finalize/tree-step.js';
import { walkTree } from '../../../../src/util/walk-tree.js';
import { file, link } from '../../../helpers/image-tree.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const KVER = '6.1.0-test';
const MODS = `usr/lib/modules/${KVER}`;

/** A small kernel: ext4 needs jbd2 and crc16 (builtin), carl9170 needs ath and its firmware, usbcore is builtin and needs a file. */
async function kernelTree(): Promise<string> {
  const root = await tempDir();
  for (const m of ['kernel/fs/ext4/ext4.ko.xz', 'kernel/fs/jbd2/jbd2.ko.xz', 'kernel/fs/fat/vfat.ko.xz', 'kernel/drivers/net/wireless/ath/ath.ko.xz',
    'kernel/drivers/net/wireless/ath/carl9170/carl9170.ko.xz', 'kernel/drivers/net/dummy.ko.xz']) await file(root, `${MODS}/${m}`);
  await file(root, `${MODS}/modules.builtin`, 'kernel/lib/crc16.ko\nkernel/drivers/usb/core/usbcore.ko\n');
  await file(root, `${MODS}/modules.dep`);
  await file(root, 'usr/lib/firmware/carl9170-1.fw.xz');
  await file(root, 'usr/lib/firmware/usb/hub.bin');
  await file(root, 'usr/lib/firmware/other/unused.bin');
  await file(root, 'usr/lib/firmware/keyspan_pda/keyspan_pda.fw');
  await file(root, 'usr/lib/firmware/keyspan_pda/xircom_pgs.fw');
  await file(root, 'usr/lib/firmware/intel-ucode/06-55-04');
  // A directory symlink on the way to the firmware file, and a link through /etc/alternatives.
  await file(root, 'usr/lib/firmware/vendor/v2/fw.bin');
  await link(root, 'usr/lib/firmware/vendor/current', 'v2');
  await file(root, 'usr/lib/firmware/regdb/regulatory.db-debian');
  await link(root, 'etc/alternatives/regulatory.db', '/usr/lib/firmware/regdb/regulatory.db-debian');
  await link(root, 'usr/lib/firmware/regulatory.db', '/etc/alternatives/regulatory.db');
  return root;
}

const DB: Record<string, ModuleInfo> = {
  ext4: { modules: new Set(['jbd2', 'crc16']), firmware: [] },
  carl9170: { modules: new Set(['ath']), firmware: ['carl9170-1.fw', 'vendor/current/fw.bin'] },
  usbcore: { modules: new Set(), firmware: ['usb/hub.bin'] },
};

async function run(root: string, filters: Partial<KernelModuleFilters>) {
  const asked: string[] = [];
  const modinfo = async (names: readonly string[]) => {
    asked.push(...names);
    return ok(new Map(names.map((n) => [n, DB[n] ?? { modules: new Set<string>(), firmware: [] }] as const)));
  };
  const ctx: TreeStepContext = { root, node: 'main/finalize', settings: {}, signal: new AbortController().signal, onOutput: () => undefined };
  const r = await filterKernel(ctx, KVER, { modulesInclude: [], modulesExclude: [], firmwareInclude: [], firmwareExclude: [], ...filters }, { modinfo });
  return { r, asked };
}

const modulesLeft = (root: string): string[] => walkTree(join(root, MODS)).filter((p) => p.includes('.ko')).sort();
const firmwareLeft = (root: string): string[] => walkTree(join(root, 'usr/lib/firmware')).sort();

describe('applying the filters to a kernel', () => {
  test('keeps the selected modules with their dependencies and the firmware they need; microcode always stays', async () => {
    const root = await kernelTree();
    const { r, asked } = await run(root, { modulesInclude: ['ext4', 'carl9170'] });
    expect(r).toEqual(ok(null));
    expect(asked.sort()).toEqual(['ath', 'carl9170', 'crc16', 'ext4', 'jbd2', 'usbcore']);
    expect(modulesLeft(root)).toEqual([
      'kernel/drivers/net/wireless/ath/ath.ko.xz', 'kernel/drivers/net/wireless/ath/carl9170/carl9170.ko.xz', 'kernel/fs/ext4/ext4.ko.xz', 'kernel/fs/jbd2/jbd2.ko.xz',
    ]);
    // Module directories are left in place, empty, as mkosi leaves them.
    expect(walkTree(join(root, MODS))).toContain('kernel/fs/fat');
    expect(firmwareLeft(root)).toEqual([
      'carl9170-1.fw.xz', 'intel-ucode', 'intel-ucode/06-55-04', 'usb', 'usb/hub.bin', 'vendor', 'vendor/current', 'vendor/v2', 'vendor/v2/fw.bin',
    ]);
  });

  test('FirmwareFiles= adds a subtree less a file, follows links through /etc/alternatives and rewrites them relative', async () => {
    const root = await kernelTree();
    const { r } = await run(root, { modulesInclude: ['dummy'], firmwareInclude: ['keyspan_pda/', '-keyspan_pda/xircom_pgs.fw', 'regulatory.db'] });
    expect(r).toEqual(ok(null));
    expect(modulesLeft(root)).toEqual(['kernel/drivers/net/dummy.ko.xz']);
    expect(firmwareLeft(root)).toEqual([
      'intel-ucode', 'intel-ucode/06-55-04', 'keyspan_pda', 'keyspan_pda/keyspan_pda.fw', 'regdb', 'regdb/regulatory.db-debian', 'regulatory.db', 'usb', 'usb/hub.bin',
    ]);
    expect(await readlink(join(root, 'usr/lib/firmware/regulatory.db'))).toBe('regdb/regulatory.db-debian');
  });

  test('firmware filters alone keep every module and all the firmware they need', async () => {
    const root = await kernelTree();
    const { r } = await run(root, { firmwareExclude: ['re:^usb/'] });
    expect(r).toEqual(ok(null));
    expect(modulesLeft(root)).toHaveLength(6);
    expect(firmwareLeft(root)).toEqual(['carl9170-1.fw.xz', 'intel-ucode', 'intel-ucode/06-55-04', 'vendor', 'vendor/current', 'vendor/v2', 'vendor/v2/fw.bin']);
  });

  test('an exclude regex keeps every other module', async () => {
    const root = await kernelTree();
    const { r } = await run(root, { modulesExclude: ['re:^drivers/net/wireless/', 're:^fs/fat'] });
    expect(r).toEqual(ok(null));
    expect(modulesLeft(root)).toEqual(['kernel/drivers/net/dummy.ko.xz', 'kernel/fs/ext4/ext4.ko.xz', 'kernel/fs/jbd2/jbd2.ko.xz']);
  });

  test('a bad regex fails with the setting named and a hint', async () => {
    const root = await kernelTree();
    const { r } = await run(root, { modulesInclude: ['re:(('] });
    expect(r).toMatchObject({ ok: false, error: { code: 'NODE_FAILED', message: expect.stringContaining('KernelModulesInclude=(('), hint: expect.stringContaining('KernelModules=') } });
    expect(modulesLeft(root)).toHaveLength(6);
  });
});
