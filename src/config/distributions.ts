/**
 * mkosi 27.1's distributions and architectures, and the per-distribution facts that settings' defaults,
 * `%F` and `Architecture=uefi` depend on. Everything here was checked against 27.1's `summary --json`.
 */

/** `Distribution=` values, in mkosi's order (the order of `--distribution`'s choices). */
export const DISTRIBUTIONS = [
  'fedora', 'debian', 'kali', 'ubuntu', 'postmarketos', 'arch', 'opensuse', 'mageia', 'centos', 'rhel',
  'rhel-ubi', 'openmandriva', 'rocky', 'alma', 'azure', 'custom',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** `Architecture=` values, in mkosi's order. */
export const ARCHITECTURES = [
  'alpha', 'arc', 'arm', 'arm64', 'ia64', 'loongarch64', 'mips-le', 'mips64-le', 'parisc', 'ppc', 'ppc64',
  'ppc64-le', 'riscv32', 'riscv64', 's390', 's390x', 'tilegx', 'x86', 'x86-64',
] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Architectures with a UEFI name; `Architecture=uefi` in `[Match]` matches any of them. */
export const UEFI_ARCHITECTURES: ReadonlySet<string> = new Set<Architecture>([
  'arm', 'arm64', 'loongarch64', 'riscv32', 'riscv64', 'x86', 'x86-64',
]);

/** How a distribution installs packages; decides e.g. whether Ubuntu hosts fetch its keys remotely. */
export type PackageManagerFamily = 'apt' | 'rpm' | 'pacman' | 'apk' | 'none';

export interface DistributionFacts {
  /** `Release=` default when the distribution is not the host's (or the host has no release). */
  readonly defaultRelease: string;
  /** `%F`: the default root file system. */
  readonly filesystem: 'ext4' | 'btrfs' | 'xfs';
  /** Distribution of the default tools tree on a host of this distribution. */
  readonly toolsTreeDistribution: Distribution;
  readonly packageManager: PackageManagerFamily;
  /** The host release is VERSION_CODENAME (falling back to VERSION_ID) rather than VERSION_ID. */
  readonly codenameReleases: boolean;
}

function facts(
  defaultRelease: string,
  filesystem: DistributionFacts['filesystem'],
  toolsTreeDistribution: Distribution,
  packageManager: PackageManagerFamily,
): DistributionFacts {
  return { defaultRelease, filesystem, toolsTreeDistribution, packageManager, codenameReleases: packageManager === 'apt' };
}

export const DISTRIBUTION_FACTS: Readonly<Record<Distribution, DistributionFacts>> = {
  fedora: facts('rawhide', 'btrfs', 'fedora', 'rpm'),
  debian: facts('testing', 'ext4', 'debian', 'apt'),
  kali: facts('kali-rolling', 'ext4', 'kali', 'apt'),
  ubuntu: facts('devel', 'ext4', 'debian', 'apt'),
  postmarketos: facts('edge', 'ext4', 'postmarketos', 'apk'),
  arch: facts('rolling', 'ext4', 'arch', 'pacman'),
  opensuse: facts('tumbleweed', 'btrfs', 'opensuse', 'rpm'),
  mageia: facts('cauldron', 'ext4', 'mageia', 'rpm'),
  centos: facts('10', 'xfs', 'fedora', 'rpm'),
  rhel: facts('10', 'xfs', 'fedora', 'rpm'),
  'rhel-ubi': facts('10', 'xfs', 'fedora', 'rpm'),
  openmandriva: facts('cooker', 'ext4', 'openmandriva', 'rpm'),
  rocky: facts('10', 'xfs', 'fedora', 'rpm'),
  alma: facts('10', 'xfs', 'fedora', 'rpm'),
  azure: facts('3.0', 'ext4', 'azure', 'rpm'),
  custom: facts('', 'ext4', 'custom', 'none'),
};

export function isDistribution(value: unknown): value is Distribution {
  return typeof value === 'string' && (DISTRIBUTIONS as readonly string[]).includes(value);
}

/** Facts of a distribution; an unknown name (never produced by the parser) gets `custom`'s. */
export function distributionFacts(distribution: unknown): DistributionFacts {
  return isDistribution(distribution) ? DISTRIBUTION_FACTS[distribution] : DISTRIBUTION_FACTS.custom;
}

/** `%F` of a distribution. */
export function defaultFilesystem(distribution: unknown): string {
  return distributionFacts(distribution).filesystem;
}

export function isUefiArchitecture(architecture: unknown): boolean {
  return typeof architecture === 'string' && UEFI_ARCHITECTURES.has(architecture);
}

/** os-release IDs that name a distribution under another spelling. */
const OS_RELEASE_ALIASES: Readonly<Record<string, Distribution>> = { azurelinux: 'azure' };

/**
 * The distribution an os-release describes: its `ID`, else the first `ID_LIKE` entry that is a mkosi
 * distribution name (27.1: almalinux with `ID_LIKE="rhel centos fedora"` is `rhel`, Linux Mint is
 * `ubuntu`, a bare `opensuse-leap`/`almalinux`/`mariner` is not recognised). null: not recognised.
 */
export function distributionOfOsRelease(fields: Readonly<Record<string, string>>): Distribution | null {
  const ids = [fields['ID'] ?? '', ...(fields['ID_LIKE'] ?? '').split(/\s+/)].filter((id) => id !== '');
  for (const id of ids) {
    if (isDistribution(id)) return id;
    const alias = OS_RELEASE_ALIASES[id];
    if (alias) return alias;
  }
  return null;
}

/**
 * The host release an os-release gives for `distribution`: `tumbleweed` for openSUSE Tumbleweed,
 * VERSION_CODENAME then VERSION_ID for apt distributions, VERSION_ID for the others; null when empty.
 */
export function releaseOfOsRelease(distribution: Distribution, fields: Readonly<Record<string, string>>): string | null {
  if (fields['ID'] === 'opensuse-tumbleweed') return 'tumbleweed';
  const versionId = fields['VERSION_ID'] || null;
  if (!DISTRIBUTION_FACTS[distribution].codenameReleases) return versionId;
  return fields['VERSION_CODENAME'] || versionId;
}

export interface HostDistribution {
  readonly distribution: Distribution;
  /** Null: the distribution's default release applies. */
  readonly release: string | null;
  /**
   * False when the host could not be recognised and `custom` was chosen; mkosi then warns "Distribution
   * of your host can't be detected or isn't a supported target. Defaulting to Distribution=custom."
   */
  readonly detected: boolean;
}

/**
 * The host's distribution and release as 27.1 determines them: `$MKOSI_HOST_DISTRIBUTION` (when it is a
 * valid name) with `$MKOSI_HOST_RELEASE`, else os-release. With the variable set, the os-release release
 * is still used when os-release names the same distribution and `$MKOSI_HOST_RELEASE` is empty.
 */
export function detectHostDistribution(options: {
  readonly osRelease: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
}): HostDistribution {
  const detected = distributionOfOsRelease(options.osRelease);
  const detectedRelease = detected ? releaseOfOsRelease(detected, options.osRelease) : null;
  const override = options.env['MKOSI_HOST_DISTRIBUTION'];
  if (isDistribution(override)) {
    const release = options.env['MKOSI_HOST_RELEASE'] || (override === detected ? detectedRelease : null);
    return { distribution: override, release, detected: true };
  }
  if (!detected) return { distribution: 'custom', release: null, detected: false };
  return { distribution: detected, release: detectedRelease, detected: true };
}
