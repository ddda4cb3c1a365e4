import { describe, expect, test } from 'vitest';
import { kernelModuleInputs } from '../../src/cli/verbs/kernel-module-inputs.js';

describe('what default and host in KernelModules= stand for', () => {
  test('nothing is read when no image names them', async () => {
    expect(await kernelModuleInputs([{ KernelModules: ['ext4'] }], {})).toEqual({});
  });

  test('default: mkb\'s mkosi-initrd KernelModules= for each architecture used (arm64 adds its boards\' modules)', async () => {
    const inputs = await kernelModuleInputs([{ KernelModules: ['default'] }, { KernelModules: ['default'], Architecture: 'arm64' }], {});
    const x86 = inputs.initrd?.['x86-64'] ?? [];
    expect(x86).toEqual(expect.arrayContaining(['ahci', 'virtio_blk', '/fs/nls/', 'crypto/', '-/drivers/crypto/', 'ccp_crypto', 'nfnetlink']));
    expect(x86).not.toContain('brcmutil');
    expect(inputs.initrd?.['arm64']).toEqual([...x86, '/drivers/mmc/host/', 'brcmutil', 'udc-core']);
  });
});
