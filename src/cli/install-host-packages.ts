// `npm run host-packages`: installs, with apt-get, the Debian packages of the host programs mkb runs.
import { HOST_PACKAGES, installPackages, missingPackages } from '../host/host-packages.js';

const log = (line: string): void => console.log(`host-packages: ${line}`);
if (process.getuid?.() === 0) {
  try {
    await installPackages(HOST_PACKAGES, log);
  } catch (error) {
    console.error(`host-packages: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
} else {
  const missing = await missingPackages(HOST_PACKAGES);
  if (missing.length > 0) {
    console.error(`host-packages: missing ${missing.join(' ')}; run as root to install them with apt-get`);
    process.exit(1);
  }
}
