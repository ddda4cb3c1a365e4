import { describe, expect, test } from 'vitest';
import { defaultInitrds, isKernelPackage } from '../../../../src/config/settings/default-initrds.js';
import { defaultContext } from './default-context.js';

const initrds = (values: Record<string, unknown>): string[] =>
  defaultInitrds(defaultContext({ Format: 'disk', Bootable: 'auto', Overlay: false, Distribution: 'debian', Packages: [], VolatilePackages: [], ...values }));

describe('Initrds= default (27.1)', () => {
  test('a kernel package in Packages or VolatilePackages asks for the default initrd', () => {
    expect(initrds({ Packages: ['systemd', 'linux-image-amd64'] })).toEqual(['default']);
    expect(initrds({ VolatilePackages: ['linux-image-amd64'] })).toEqual(['default']);
    expect(initrds({ Packages: ['systemd'] })).toEqual([]);
  });

  test('Bootable=yes asks for it without a kernel, in every format but uki and esp', () => {
    for (const Format of ['disk', 'cpio', 'directory', 'tar', 'sysext', 'confext', 'portable', 'addon', 'oci', 'none']) {
      expect(initrds({ Format, Bootable: 'enabled' }), Format).toEqual(['default']);
    }
    expect(initrds({ Format: 'uki', Bootable: 'enabled' })).toEqual([]);
    expect(initrds({ Format: 'esp', Bootable: 'enabled' })).toEqual([]);
  });

  test('Bootable=no never asks for it', () => {
    expect(initrds({ Bootable: 'disabled', Packages: ['linux-image-amd64'] })).toEqual([]);
  });

  test('with Bootable=auto only disk, tar, oci and none images with a kernel get it', () => {
    const packages = ['linux-image-amd64'];
    const withKernel = ['disk', 'tar', 'oci', 'none'];
    for (const Format of ['disk', 'uki', 'esp', 'cpio', 'directory', 'tar', 'sysext', 'confext', 'portable', 'addon', 'oci', 'none']) {
      expect(initrds({ Format, Packages: packages }), Format).toEqual(withKernel.includes(Format) ? ['default'] : []);
    }
  });

  test('an Overlay image needs Bootable=yes (unlike the reference, 27.1 then gives it the default initrd)', () => {
    expect(initrds({ Overlay: true, Packages: ['linux-image-amd64'] })).toEqual([]);
    expect(initrds({ Overlay: true, Bootable: 'enabled' })).toEqual(['default']);
  });

  test('the kernel package must belong to the distribution', () => {
    expect(initrds({ Distribution: 'fedora', Packages: ['linux-image-amd64'] })).toEqual([]);
    expect(initrds({ Distribution: 'fedora', Packages: ['kernel'] })).toEqual(['default']);
    expect(initrds({ Distribution: 'custom', Packages: ['kernel', 'linux'] })).toEqual([]);
  });
});

describe('kernel package names per distribution (observed on 27.1)', () => {
  test.each([
    ['debian', ['linux-image-amd64', 'linux-image-generic', 'linux-image-6.1.0-amd64', 'linux-image-'], ['linux', 'linux-image', 'linux-generic', '/tmp/linux-image-amd64.deb']],
    ['kali', ['linux-image-amd64'], ['linux']],
    ['ubuntu', ['linux-generic', 'linux-image-generic', 'linux-virtual', 'linux-'], ['linux', 'kernel']],
    ['postmarketos', ['linux-postmarketos-qcom', 'linux-lts'], ['linux']],
    ['arch', ['linux', 'linux-lts', 'linux-zen', 'linux-hardened', 'linux-rt', 'linux-rt-lts'], ['linux-virt', 'linux-image-amd64', 'linux-aarch64']],
    ['opensuse', ['kernel-default', 'kernel-kvmsmall'], ['kernel', 'kernel-default-base', 'kernel-rt']],
    ['fedora', ['kernel', 'kernel-core'], ['kernel-uki-virt', 'kernel-rt', 'kernel-default', 'kernel*']],
    ['centos', ['kernel', 'kernel-core'], ['kernel-64k']],
    ['azure', ['kernel'], ['linux']],
    ['custom', [], ['kernel', 'linux', 'linux-image-amd64']],
  ])('%s', (distribution, kernels, others) => {
    for (const name of kernels) expect(isKernelPackage(distribution, name), name).toBe(true);
    for (const name of others) expect(isKernelPackage(distribution, name), name).toBe(false);
  });
});
