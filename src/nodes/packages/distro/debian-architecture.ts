// mkosi's architecture names → dpkg architecture names, shared by every Debian-family distribution.
import { err, ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../package-failure.js';

const DEBIAN_ARCHITECTURES: Readonly<Record<string, string>> = {
  'x86-64': 'amd64', x86: 'i386', arm64: 'arm64', arm: 'armhf', alpha: 'alpha', ia64: 'ia64',
  loongarch64: 'loong64', 'mips64-le': 'mips64el', 'mips-le': 'mipsel', parisc: 'hppa',
  'ppc64-le': 'ppc64el', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x', s390: 's390',
};

export function debianArchitecture(architecture: string, prettyName: string): Result<string, PackageFailure> {
  const deb = DEBIAN_ARCHITECTURES[architecture];
  if (deb !== undefined) return ok(deb);
  return err({
    code: 'SETTING_INVALID', setting: 'Architecture',
    message: `architecture ${architecture} is not supported by ${prettyName}`,
    hint: `supported: ${Object.keys(DEBIAN_ARCHITECTURES).join(', ')}`,
  });
}

/** Directories that are symlinks into /usr on a merged-/usr system, per Debian architecture. */
export function mergedUsrDirectories(debianArch: string): readonly string[] {
  const extra: Readonly<Record<string, readonly string[]>> = {
    amd64: ['lib32', 'lib64', 'libx32'], i386: ['lib64', 'libx32'], mips: ['lib32', 'lib64'],
    mipsel: ['lib32', 'lib64'], mips64el: ['lib32', 'lib64', 'libo32'], loong64: ['lib32', 'lib64'],
    powerpc: ['lib64'], ppc64: ['lib32', 'lib64'], ppc64el: ['lib64'], s390x: ['lib32'],
    sparc: ['lib64'], sparc64: ['lib32', 'lib64'], x32: ['lib32', 'lib64', 'libx32'],
  };
  return ['bin', 'sbin', 'lib', ...(extra[debianArch] ?? [])];
}
