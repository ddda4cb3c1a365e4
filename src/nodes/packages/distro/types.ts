// *What* a Debian-family distribution is (STYLE.md R3): releases, repositories, keyrings, the bootstrap
// set. *How* packages get installed lives in ../package-manager/.
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../package-failure.js';
import type { HostAptSources } from './host-apt-sources.js';

/** One apt repository, rendered as a deb822 stanza by the apt installer. */
export interface AptRepository {
  readonly types: readonly ('deb' | 'deb-src')[];
  readonly uri: string;
  readonly suite: string;
  readonly components: readonly string[];
  /** Keyring path (`Signed-By:`). Absent means `Trusted: yes` (a local mirror). */
  readonly signedBy?: string;
  /** deb822 `Snapshot:` field (Ubuntu's snapshot service). */
  readonly snapshot?: string;
}

/** The [Distribution] settings a distribution needs, as values (STYLE.md R4). */
export interface DistroOptions {
  /** Release= (already defaulted by the config engine, or `defaultRelease`). */
  readonly release: string;
  /** Architecture= in mkosi's naming (`x86-64`, `arm64`, …). */
  readonly architecture: string;
  readonly mirror?: string;
  readonly snapshot?: string;
  readonly localMirror?: string;
  /** Repositories=: extra components for apt distributions. */
  readonly repositories: readonly string[];
  /** The host's apt sources: where default mirrors come from. */
  readonly host: HostAptSources;
}

/**
 * `build`: the sources the build uses (binary indexes only: source indexes never change an image).
 * `image`: the sources written into an image that installs apt (default mirrors, deb and deb-src).
 */
export type RepositoryPurpose = 'build' | 'image';

export interface AptDistribution {
  readonly name: 'debian' | 'ubuntu' | 'kali';
  readonly prettyName: string;
  readonly defaultRelease: string;
  readonly packageManager: 'apt';
  /** The Debian package that ships `keyring`, for hints. */
  readonly keyringPackage: string;
  /** Repositories for `options`, or why there are none (no mirror, bad setting combination). */
  repositories(options: DistroOptions, purpose: RepositoryPurpose): Result<readonly AptRepository[], PackageFailure>;
  /** apt arguments selecting the bootstrap set, unpacked before anything is configured. */
  bootstrapPackages(debianArchitecture: string): readonly string[];
  /** mkosi architecture → Debian architecture. */
  architecture(architecture: string): Result<string, PackageFailure>;
  isKernelPackage(name: string): boolean;
}
