// `npm run host-packages`: installs, with apt-get, the Debian packages of the host programs mkb runs.
import { HOST_PACKAGES, installPackages, missingPackages } from '../host/host-packages.js';

if (process.getuid?.() !== 0) {
  const missing = await missingPackages(HOST_PACKAGES);
  if (missing.length > 0) {
    console.error(`host-packages: missing ${missing.join(' ')}; run as root to install them with apt-get`);
    process.exit(1);
  }
}
try {
  await installPackages(HOST_PACKAGES, (line) => console.log(`host-packages: ${line}`));
} catch (error) {
  console.error(`host-packages: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
