// Global setup of the integration project: installs the host packages the integration tests need
// and fetches mkosi 27.1. It never skips silently: a missing prerequisite fails the run with a
// message naming it, unless MKB_SKIP_INTEGRATION=1 asked to skip the whole project.
import { HOST_PACKAGES, installPackages } from '../../src/host/host-packages.js';
import { ensureMkosi, mkosiCacheDir } from '../support/mkosi.js';

/**
 * Debian packages the integration tests use beside mkb's own (HOST_PACKAGES): python3 runs mkosi (its
 * `summary` needs nothing else), binutils assembles a test kernel module, and mkosi 27.1 identifies an
 * installed kernel's type with python3-pefile (kernel-modules.test.ts builds an image with a kernel).
 */
const TEST_PACKAGES = ['python3', 'binutils', 'python3-pefile'] as const;

export const skipIntegration = (): boolean => process.env['MKB_SKIP_INTEGRATION'] === '1';

async function installHostPackages(): Promise<void> {
  try {
    await installPackages([...HOST_PACKAGES, ...TEST_PACKAGES], (line) => console.log(`integration setup: ${line}`));
  } catch (error) {
    throw new Error(`integration setup: ${error instanceof Error ? error.message : String(error)}`);
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
