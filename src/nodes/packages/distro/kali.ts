// Kali: one rolling suite. Mirror= is the full archive URL; without it the host's apt sources give it.
// No snapshots. Not tested against a real archive: Kali's mirrors are not reachable from our machines.
import { err, ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../package-failure.js';
import { debianArchitecture } from './debian-architecture.js';
import { findHostMirror, trimUrl } from './host-mirror.js';
import type { AptDistribution, AptRepository, DistroOptions, RepositoryPurpose } from './types.js';

export const KALI_KEYRING = '/usr/share/keyrings/kali-archive-keyring.gpg';
const KALI_SUITES: ReadonlySet<string> = new Set(['kali-rolling', 'kali-last-snapshot', 'kali-dev', 'kali-experimental']);
const KALI_ARCHITECTURES: ReadonlySet<string> = new Set(['x86-64', 'x86', 'arm64', 'arm']);

function repositories(options: DistroOptions, purpose: RepositoryPurpose): Result<AptRepository[], PackageFailure> {
  if (purpose === 'build' && options.snapshot !== undefined) {
    return err({ code: 'SETTING_INVALID', setting: 'Snapshot', message: 'Snapshot= is not supported for Kali Linux' });
  }
  if (purpose === 'build' && options.localMirror !== undefined) {
    return ok([{ types: ['deb'], uri: options.localMirror, suite: options.release, components: ['main'] }]);
  }
  const host = findHostMirror(options.host, { suites: KALI_SUITES });
  const uri = (purpose === 'build' ? options.mirror : undefined) ?? (host.archive && trimUrl(host.archive.uri));
  if (uri === undefined) {
    return err({
      code: 'MIRROR_REQUIRED', distribution: 'kali', release: options.release, searched: options.host.searched,
      reason: 'Mirror= is not set and the host\'s apt sources list no Kali archive',
    });
  }
  return ok([{
    types: purpose === 'build' ? ['deb'] : ['deb', 'deb-src'], uri, suite: options.release,
    components: ['main', ...options.repositories], signedBy: KALI_KEYRING,
  }]);
}

export const kali: AptDistribution = {
  name: 'kali',
  prettyName: 'Kali Linux',
  defaultRelease: 'kali-rolling',
  packageManager: 'apt',
  keyringPackage: 'kali-archive-keyring',
  repositories,
  bootstrapPackages: (arch) => [`?essential ?architecture(${arch})`, 'base-files'],
  architecture: (arch) => KALI_ARCHITECTURES.has(arch)
    ? debianArchitecture(arch, 'Kali Linux')
    : err({ code: 'SETTING_INVALID', setting: 'Architecture', message: `architecture ${arch} is not supported by Kali Linux` }),
  isKernelPackage: (name) => name.startsWith('linux-image-'),
};
