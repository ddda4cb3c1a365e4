import type { DefaultContext } from './types.js';

/**
 * Whether `name` is a kernel package of `distribution`, as mkosi 27.1 decides it for the default initrd
 * (observed by running 27.1 on every distribution; exact names or prefixes, never globs or paths).
 */
export function isKernelPackage(distribution: string, name: string): boolean {
  switch (distribution) {
    case 'debian':
    case 'kali':
      return name.startsWith('linux-image-');
    case 'ubuntu':
    case 'postmarketos':
      return name.startsWith('linux-');
    case 'arch':
      return ARCH_KERNELS.has(name);
    case 'opensuse':
      return OPENSUSE_KERNELS.has(name);
    case 'fedora': case 'mageia': case 'centos': case 'rhel': case 'rhel-ubi':
    case 'openmandriva': case 'rocky': case 'alma': case 'azure':
      return RPM_KERNELS.has(name);
    default:
      return false;
  }
}

const ARCH_KERNELS = new Set(['linux', 'linux-lts', 'linux-zen', 'linux-hardened', 'linux-rt', 'linux-rt-lts']);
const OPENSUSE_KERNELS = new Set(['kernel-default', 'kernel-kvmsmall']);
const RPM_KERNELS = new Set(['kernel', 'kernel-core']);

/** Formats whose image never gets the default initrd, even with Bootable=yes. */
const NO_INITRD_FORMATS = new Set(['uki', 'esp']);
/** Formats that get the default initrd only with an explicit Bootable=yes. */
const EXPLICIT_ONLY_FORMATS = new Set(['cpio', 'directory', 'sysext', 'confext', 'portable', 'addon']);

const strings = (value: unknown): readonly string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * `Initrds=`'s default: `['default']` (replaced by the default initrd's output path after loading) when
 * Format is not uki/esp, Bootable is not disabled, and either Bootable=yes or the image is a bootable kind
 * of output (not cpio, directory, sysext, confext, portable, addon), not an Overlay, and installs a kernel
 * package (Packages or VolatilePackages). 27.1 gives the default initrd to an Overlay image with
 * Bootable=yes, unlike the reference.
 */
export function defaultInitrds(ctx: DefaultContext): string[] {
  const format = ctx.get('Format');
  const bootable = ctx.get('Bootable');
  if (typeof format === 'string' && NO_INITRD_FORMATS.has(format)) return [];
  if (bootable === 'disabled') return [];
  if (bootable === 'enabled') return ['default'];
  if (typeof format === 'string' && EXPLICIT_ONLY_FORMATS.has(format)) return [];
  if (ctx.get('Overlay') === true) return [];
  const distribution = ctx.get('Distribution');
  if (typeof distribution !== 'string') return [];
  const packages = [...strings(ctx.get('Packages')), ...strings(ctx.get('VolatilePackages'))];
  return packages.some((name) => isKernelPackage(distribution, name)) ? ['default'] : [];
}

export const INITRDS_DEPENDS = ['Format', 'Bootable', 'Overlay', 'Distribution', 'Packages', 'VolatilePackages'] as const;
