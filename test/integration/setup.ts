// Global setup of the integration project: installs the host packages the integration tests need
// and fetches mkosi 27.1. It never skips silently: a missing prerequisite fails the run with a
// message naming it, unless MKB_SKIP_INTEGRATION=1 asked to skip the whole project.
import { execa } from 'execa';
import { ensureMkosi, mkosiCacheDir } from '../support/mkosi.js';

/**
 * Debian packages the integration tests use: python3 runs mkosi (its `summary` needs nothing else),
 * apt and dpkg fetch and unpack it, the keyring verifies the sid index; bubblewrap runs package managers and
 * scripts in namespaces, apt-utils builds local repositories (apt-ftparchive). systemd (sysusers, tmpfiles,
 * systemctl) and udev (systemd-hwdb) are the tools finalize runs over images; binutils assembles a test
 * kernel module; systemd-container has systemd-nspawn (`mkb shell`, `mkb boot`); mkosi 27.1 identifies an
 * installed kernel's type with python3-pefile (kernel-modules.test.ts builds an image with a kernel).
 */
export const HOST_PACKAGES = [
  'python3', 'apt', 'dpkg', 'debian-archive-keyring', 'ca-certificates', 'bubblewrap', 'apt-utils', 'attr', 'cpio', 'zstd', 'xz-utils',
  'systemd', 'udev', 'binutils', 'systemd-container', 'python3-pefile',
] as const;

export const skipIntegration = (): boolean => process.env['MKB_SKIP_INTEGRATION'] === '1';

async function missingPackages(names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const r = await execa('dpkg-query', ['-W', '-f=${db:Status-Status}', name], { reject: false });
    if (r.exitCode !== 0 || r.stdout.trim() !== 'installed') missing.push(name);
  }
  return missing;
}

async function installHostPackages(): Promise<void> {
  const missing = await missingPackages(HOST_PACKAGES);
  if (missing.length === 0) return;
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = await execa('apt-get', ['update'], { reject: false, all: true, env });
  if (update.exitCode !== 0) {
    throw new Error(`integration setup: \`apt-get update\` failed; the integration tests need network access to the Debian archive.\n${update.all}`);
  }
  const install = await execa('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { reject: false, all: true, env });
  if (install.exitCode !== 0) {
    throw new Error(`integration setup: \`apt-get install ${missing.join(' ')}\` failed.\n${install.all}`);
  }
}

export default async function setup(): Promise<void> {
  if (skipIntegration()) {
    console.warn('MKB_SKIP_INTEGRATION=1: the integration tests are skipped.');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new Error('integration setup: the integration tests must run as root (they install Debian packages, '
      + 'fetch mkosi and build images). Run as root, or set MKB_SKIP_INTEGRATION=1 to skip them explicitly.');
  }
  await installHostPackages();
  const mkosi = await ensureMkosi();
  console.log(`integration setup: mkosi ${mkosi.packageVersion} ready in ${mkosiCacheDir()}`);
}
