// Ubuntu: `<release>`, `-updates` and `-security`. Mirror= is the full archive URL (mkosi's meaning);
// without it the host's apt sources give the URIs. Snapshot= becomes the deb822 `Snapshot:` field.
// Not tested against a real archive: Ubuntu's mirrors are not reachable from our machines.
import { err, ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../package-failure.js';
import { debianArchitecture } from './debian-architecture.js';
import { findHostMirror, trimUrl } from './host-mirror.js';
import type { AptDistribution, AptRepository, DistroOptions, RepositoryPurpose } from './types.js';

export const UBUNTU_KEYRING = '/usr/share/keyrings/ubuntu-archive-keyring.gpg';

export const UBUNTU_SUITES: ReadonlySet<string> = new Set([
  'trusty', 'xenial', 'bionic', 'focal', 'jammy', 'kinetic', 'lunar', 'mantic', 'noble', 'oracular',
  'plucky', 'questing', 'devel',
]);

function repositories(options: DistroOptions, purpose: RepositoryPurpose): Result<AptRepository[], PackageFailure> {
  if (purpose === 'build' && options.localMirror !== undefined) {
    return ok([{ types: ['deb'], uri: options.localMirror, suite: options.release, components: ['main'] }]);
  }
  const host = findHostMirror(options.host, { suites: UBUNTU_SUITES });
  const mirror = purpose === 'build' ? options.mirror : undefined;
  const archive = mirror ?? (host.archive && trimUrl(host.archive.uri));
  if (archive === undefined) {
    return err({
      code: 'MIRROR_REQUIRED', distribution: 'ubuntu', release: options.release, searched: options.host.searched,
      reason: 'Mirror= is not set and the host\'s apt sources list no Ubuntu archive',
    });
  }
  const security = mirror === undefined && host.security !== undefined ? trimUrl(host.security.uri) : archive;
  const snapshot = purpose === 'build' ? options.snapshot : undefined;
  const types: AptRepository['types'] = purpose === 'build' ? ['deb'] : ['deb', 'deb-src'];
  const repo = (uri: string, suite: string): AptRepository => ({
    types, uri, suite, components: ['main', ...options.repositories], signedBy: UBUNTU_KEYRING,
    ...(snapshot === undefined ? {} : { snapshot }),
  });
  return ok([
    repo(archive, options.release),
    repo(archive, `${options.release}-updates`),
    repo(security, `${options.release}-security`),
  ]);
}

export const ubuntu: AptDistribution = {
  name: 'ubuntu',
  prettyName: 'Ubuntu',
  defaultRelease: 'devel',
  packageManager: 'apt',
  keyringPackage: 'ubuntu-keyring',
  repositories,
  bootstrapPackages: (arch) => [`?essential ?architecture(${arch})`, 'base-files'],
  architecture: (arch) => debianArchitecture(arch, 'Ubuntu'),
  isKernelPackage: (name) => name.startsWith('linux-') && !name.startsWith('linux-tools-'),
};
