// *How* Debian-family packages get installed (STYLE.md R3): apt-get, apt-cache and dpkg, configured
// only through their own options, never touching the host's apt state. Each operation takes one typed
// options object; the implementation lives in ./apt/.
export type { AptPaths, AptSettings } from './apt/apt-config.js';
export { aptOptions, dpkgOptions, renderSources, DOC_EXCLUDE_GLOBS } from './apt/apt-config.js';
export type { LocatedEntry, LockEntry, PackageLock } from './apt/apt-lock.js';
export { lockEntries, storedLock } from './apt/apt-lock.js';
export type { AptContext } from './apt/apt-run.js';
export type { MetadataInfo, SyncMetadataOptions } from './apt/apt-metadata.js';
export { syncMetadata, readMetadataInfo } from './apt/apt-metadata.js';
export type { ResolveLockOptions } from './apt/apt-resolve.js';
export { resolveLock } from './apt/apt-resolve.js';
export type { FetchPackagesOptions, FetchSummary } from './apt/apt-fetch.js';
export { fetchPackages, uncachedEntries } from './apt/apt-fetch.js';
export type { FetchLockedOptions } from './apt/apt-fetch-locked.js';
export { fetchLockedPackages, locatePackages } from './apt/apt-fetch-locked.js';
export type { BootstrapOptions } from './apt/apt-bootstrap.js';
export { bootstrap } from './apt/apt-bootstrap.js';
export type { InstallPackagesOptions, RemovePackagesOptions } from './apt/apt-install.js';
export { installPackages, installedPackages, removePackages } from './apt/apt-install.js';
export type { AddLocalRepositoryOptions } from './apt/apt-local-repository.js';
export { addLocalRepository } from './apt/apt-local-repository.js';
export { emptySnapshot } from './apt/apt-empty-snapshot.js';
export type { InstallImageSourcesOptions } from './apt/apt-image-sources.js';
export { installImageSources } from './apt/apt-image-sources.js';
