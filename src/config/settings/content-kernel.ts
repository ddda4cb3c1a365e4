import type { ValueKind } from '../values/kind.js';
import { list } from '../values/lists.js';
import { parsePathValue, path } from '../values/paths.js';
import { bool, enumOf, feature, filename } from '../values/scalars.js';
import { ukiProfiles } from '../values/uki-profile.js';
import { defaultInitrds, INITRDS_DEPENDS } from './default-initrds.js';
import { setting } from './define.js';

const BOOTLOADERS = ['none', 'uki', 'systemd-boot', 'grub', 'uki-signed', 'systemd-boot-signed', 'grub-signed'] as const;

/**
 * The deprecated regex forms (`KernelModulesInclude=`, `FirmwareExclude=`, …): every item is stored with
 * an `re:` prefix, so that one list can hold globs and regular expressions in the order given; the
 * special values `default` and `host` are kept as they are (mkosi 27.1). The patterns are not checked when parsed.
 */
const regexList = (): ValueKind<string[]> => list({ item: (raw) => (raw === 'default' || raw === 'host' ? raw : `re:${raw}`) });

/** `[Content]`, boot part (mkosi 27.1 table order): bootloaders, UKIs, initrds, kernel modules, firmware. */
export const CONTENT_KERNEL_SETTINGS = [
  setting({
    name: 'Bootable', section: 'Content', scope: 'local', match: 'feature',
    cli: { long: '--bootable', metavar: 'FEATURE' },
    help: 'Generate ESP partition with systemd-boot and UKIs for installed kernels',
    kind: feature(),
  }),
  setting({
    name: 'Bootloader', section: 'Content', scope: 'local',
    cli: { long: '--bootloader', choices: [...BOOTLOADERS, ''] },
    help: 'Specify which UEFI bootloader to use',
    kind: enumOf(BOOTLOADERS, { empty: 'systemd-boot', typeName: 'Bootloader' }),
    default: { value: 'systemd-boot' },
  }),
  setting({
    name: 'BiosBootloader', section: 'Content', scope: 'local',
    cli: { long: '--bios-bootloader', choices: ['none', 'grub', ''] },
    help: 'Specify which BIOS bootloader to use',
    kind: enumOf(['none', 'grub'], { empty: 'none', typeName: 'BiosBootloader' }),
    default: { value: 'none' },
  }),
  setting({
    name: 'ShimBootloader', section: 'Content', scope: 'local',
    cli: { long: '--shim-bootloader', choices: ['none', 'signed', 'unsigned', ''] },
    help: 'Specify whether to use shim',
    kind: enumOf(['none', 'signed', 'unsigned'], { empty: 'none', typeName: 'ShimBootloader' }),
    default: { value: 'none' },
  }),
  setting({
    name: 'UnifiedKernelImages', section: 'Content', scope: 'local',
    cli: { long: '--unified-kernel-images', metavar: 'FEATURE' },
    help: 'Specify whether to use UKIs with grub/systemd-boot in UEFI mode',
    // Not a feature: `enabled`/`disabled` are refused, booleans map to signed/none.
    kind: enumOf(['none', 'auto', 'signed', 'unsigned'], { empty: 'auto', yes: 'signed', no: 'none', typeName: 'UnifiedKernelImage' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'UnifiedKernelImageFormat', section: 'Content', scope: 'local',
    cli: { long: '--unified-kernel-image-format', metavar: 'UNIFIED_KERNEL_IMAGE_FORMAT' },
    help: 'Specify the format used for the UKI filename',
    // Delayed `&e`, `&k`, `&h` specifiers stay verbatim; the build expands them.
    kind: filename({
      hint: 'UnifiedKernelImageFormat= or --unified-kernel-image-format= requires a filename with no path components.',
    }),
  }),
  setting({
    name: 'UnifiedKernelImageProfiles', section: 'Content', scope: 'local',
    cli: { long: '--uki-profile', metavar: 'PATH' }, paths: [{ path: 'mkosi.uki-profiles/*.conf' }],
    help: 'Configuration files to generate UKI profiles',
    kind: ukiProfiles(),
  }),
  setting({
    name: 'Initrds', section: 'Content', scope: 'local',
    cli: { long: '--initrd', metavar: 'PATH' },
    help: 'Add a user-provided initrd to image',
    // `default` names the default initrd; paths may be outputs of earlier images, so they need not exist yet.
    kind: list({ item: (raw, env) => (raw === 'default' ? raw : parsePathValue(raw, env, { required: false })) }),
    default: { dependsOn: INITRDS_DEPENDS, compute: defaultInitrds },
  }),
  setting({
    name: 'MicrocodeHost', section: 'Content', scope: 'local',
    cli: { long: '--microcode-host', metavar: 'BOOL' },
    help: "Only include the host CPU's microcode",
    kind: bool(),
  }),
  setting({
    name: 'InitrdProfiles', section: 'Content', scope: 'initrd', initrdTarget: 'Profiles',
    cli: { long: '--initrd-profile', metavar: 'PROFILE' },
    help: 'Which profiles to enable for the default initrd',
    kind: list(),
  }),
  setting({
    name: 'InitrdPackages', section: 'Content', scope: 'initrd', initrdTarget: 'Packages',
    cli: { long: '--initrd-package', metavar: 'PACKAGE' },
    help: 'Add additional packages to the default initrd',
    // Unlike Packages=, kept in the order given.
    kind: list(),
  }),
  setting({
    name: 'InitrdVolatilePackages', section: 'Content', scope: 'initrd', initrdTarget: 'VolatilePackages',
    cli: { long: '--initrd-volatile-package', metavar: 'PACKAGE' },
    help: 'Packages to install in the initrd that are not cached',
    kind: list(),
  }),
  setting({
    name: 'Devicetrees', section: 'Content', scope: 'local', compatNames: ['Devicetree'],
    cli: { long: '--devicetrees', metavar: 'DEVICETREES' },
    help: 'Devicetree(s) to be used by the booting kernel',
    kind: list(),
  }),
  setting({
    name: 'Splash', section: 'Content', scope: 'local',
    cli: { long: '--splash', metavar: 'SPLASH' },
    help: 'Splash screen image to be used by the booting kernel',
    kind: path({ required: false, absolute: true }),
  }),
  setting({
    name: 'KernelCommandLine', section: 'Content', scope: 'local',
    cli: { long: '--kernel-command-line', metavar: 'OPTIONS' },
    help: 'Set the kernel command line (only bootable images)',
    kind: list({ split: 'space' }),
  }),
  setting({
    name: 'KernelModulesInclude', section: 'Content', scope: 'local', jsonKey: 'KernelModules',
    cli: { long: '--kernel-modules-include', metavar: 'REGEX' },
    help: 'Include the specified kernel modules in the image',
    kind: regexList(),
  }),
  setting({
    name: 'KernelModulesExclude', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules-exclude', metavar: 'REGEX' },
    help: 'Exclude the specified kernel modules from the image',
    kind: regexList(),
  }),
  setting({
    name: 'KernelModules', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules', metavar: 'GLOB' },
    help: 'Include/exclude the specified kernel modules in the image',
    kind: list(),
  }),
  setting({
    name: 'KernelModulesIncludeHost', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules-include-host', metavar: 'BOOL' },
    help: 'Include the currently loaded modules on the host in the image',
    kind: bool(),
  }),
  setting({
    name: 'KernelModulesInitrd', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules-initrd', metavar: 'BOOL' },
    help: 'When building a bootable image, add an extra initrd containing the kernel modules',
    kind: bool(), default: { value: true },
  }),
  setting({
    name: 'KernelModulesInitrdInclude', section: 'Content', scope: 'local', jsonKey: 'KernelInitrdModules',
    cli: { long: '--kernel-modules-initrd-include', metavar: 'REGEX' },
    help: 'When building a kernel modules initrd, include the specified kernel modules',
    kind: regexList(),
  }),
  setting({
    name: 'KernelModulesInitrdExclude', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules-initrd-exclude', metavar: 'REGEX' },
    help: 'When building a kernel modules initrd, exclude the specified kernel modules',
    kind: regexList(),
  }),
  setting({
    name: 'KernelInitrdModules', section: 'Content', scope: 'local',
    cli: { long: '--kernel-initrd-modules', metavar: 'GLOB' },
    help: 'Include/exclude modules in the initrd',
    kind: list(),
  }),
  setting({
    name: 'KernelModulesInitrdIncludeHost', section: 'Content', scope: 'local',
    cli: { long: '--kernel-modules-initrd-include-host', metavar: 'BOOL' },
    help: 'When building a kernel modules initrd, include the currently loaded modules on the host in the image',
    kind: bool(),
  }),
  setting({
    name: 'FirmwareInclude', section: 'Content', scope: 'local', jsonKey: 'FirmwareFiles',
    cli: { long: '--firmware-include', metavar: 'REGEX' },
    help: 'Include the specified firmware in the image',
    kind: regexList(),
  }),
  setting({
    name: 'FirmwareExclude', section: 'Content', scope: 'local',
    cli: { long: '--firmware-exclude', metavar: 'REGEX' },
    help: 'Exclude the specified firmware from the image',
    kind: regexList(),
  }),
  setting({
    name: 'FirmwareFiles', section: 'Content', scope: 'local',
    cli: { long: '--firmware-files', metavar: 'GLOB' },
    help: 'Include/exclude the specified firmware in the image',
    kind: list(),
  }),
] as const;
