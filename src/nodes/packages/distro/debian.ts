// Debian: the archive, its -updates, -security and (when the host knows one) -debug suites. Mirror= is
// the base URL under which `debian/` and `debian-security/` live (mkosi's meaning); without it the
// host's apt sources give the URIs (DESIGN.md §6). Snapshot= needs Mirror= to name a snapshot service.
import { err, ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../package-failure.js';
import { debianArchitecture } from './debian-architecture.js';
import { findHostMirror, joinUrl, trimUrl } from './host-mirror.js';
import type { AptDistribution, AptRepository, DistroOptions, RepositoryPurpose } from './types.js';

export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** Codenames and aliases of the Debian archive proper. */
export const DEBIAN_SUITES: ReadonlySet<string> = new Set([
  'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke', 'sid', 'experimental',
  'oldoldstable', 'oldstable', 'stable', 'testing', 'unstable',
]);

const isUnstable = (release: string): boolean => release === 'sid' || release === 'unstable';

function localMirrorRepositories(options: DistroOptions, localMirror: string): AptRepository[] {
  return [{ types: ['deb'], uri: localMirror, suite: options.release, components: ['main'] }];
}

function snapshotRepositories(options: DistroOptions, snapshot: string): Result<AptRepository[], PackageFailure> {
  if (options.mirror === undefined) {
    return err({
      code: 'SETTING_INVALID', setting: 'Snapshot',
      message: `Snapshot=${snapshot} needs Mirror= to name the Debian snapshot service`,
      hint: 'set Mirror= to the base URL of the snapshot service (the one serving archive/debian/<timestamp>/)',
    });
  }
  const components = ['main', ...options.repositories];
  const at = (archive: string): string => joinUrl(options.mirror ?? '', `archive/${archive}/${snapshot}`);
  const repo = (uri: string, suite: string): AptRepository => ({ types: ['deb'], uri, suite, components, signedBy: DEBIAN_KEYRING });
  return ok([
    repo(at('debian'), options.release),
    repo(at('debian-debug'), `${options.release}-debug`),
    ...(isUnstable(options.release) ? [] : [repo(at('debian-security'), `${options.release}-security`)]),
  ]);
}

function mirrorRepositories(options: DistroOptions, purpose: RepositoryPurpose): Result<AptRepository[], PackageFailure> {
  const host = findHostMirror(options.host, { suites: DEBIAN_SUITES });
  const mirror = purpose === 'build' ? options.mirror : undefined;
  const archive = mirror !== undefined ? joinUrl(mirror, 'debian') : host.archive && trimUrl(host.archive.uri);
  if (archive === undefined) {
    return err({
      code: 'MIRROR_REQUIRED', distribution: 'debian', release: options.release, searched: options.host.searched,
      reason: 'Mirror= is not set and the host\'s apt sources list no Debian archive',
    });
  }
  // Security: the host's own security source, else the sibling of the archive (`…/debian-security`).
  const security = host.security !== undefined ? trimUrl(host.security.uri)
    : archive.endsWith('/debian') ? `${archive}-security` : undefined;
  const components = ['main', ...options.repositories];
  const types: AptRepository['types'] = purpose === 'build' ? ['deb'] : ['deb', 'deb-src'];
  const repo = (uri: string, suite: string): AptRepository => ({ types, uri, suite, components, signedBy: DEBIAN_KEYRING });
  const out = [repo(archive, options.release)];
  // The debug archive is rarely mirrored: it is used only when the host's sources name one.
  if (host.debug !== undefined) out.push(repo(trimUrl(host.debug.uri), `${options.release}-debug`));
  if (!isUnstable(options.release)) {
    out.push(repo(archive, `${options.release}-updates`));
    if (security !== undefined) out.push(repo(security, `${options.release}-security`));
  }
  return ok(out);
}

export const debian: AptDistribution = {
  name: 'debian',
  prettyName: 'Debian',
  defaultRelease: 'testing',
  packageManager: 'apt',
  keyringPackage: 'debian-archive-keyring',
  repositories(options, purpose) {
    if (purpose === 'build' && options.localMirror !== undefined) return ok(localMirrorRepositories(options, options.localMirror));
    if (purpose === 'build' && options.snapshot !== undefined) return snapshotRepositories(options, options.snapshot);
    return mirrorRepositories(options, purpose);
  },
  bootstrapPackages: (arch) => [`?essential ?architecture(${arch})`, 'base-files'],
  architecture: (arch) => debianArchitecture(arch, 'Debian'),
  isKernelPackage: (name) => name.startsWith('linux-image-'),
};
