// Groups of settings that provably do not change a stage's output, combined by each image node kind into
// its `irrelevantSettings` (fail closed: a setting named nowhere here is part of every key). Scripts see
// only keyed settings in $MKOSI_CONFIG, so leaving a setting out of a key can never hide it from a script.

/**
 * Only `vm`, `boot`, `shell`, `ssh` and friends read these; no image content depends on them (SshKey= and
 * SshCertificate= are what `mkosi ssh` and the VM's credentials use; Ssh= itself does change the image).
 */
export const RUNTIME = [
  'BindUser', 'CPUs', 'CXL', 'Console', 'Credentials', 'DiskType', 'Drives', 'Ephemeral', 'Firmware', 'FirmwareVariables',
  'ForwardJournal', 'KVM', 'KernelCommandLineExtra', 'Linux', 'Machine', 'MaxMem', 'QemuArgs', 'RAM', 'Register', 'Removable',
  'RuntimeBuildSources', 'RuntimeNetwork', 'RuntimeSize', 'RuntimeTrees', 'SshCertificate', 'SshKey', 'StorageTargetMode',
  'SysupdateDirectory', 'TPM', 'VSock', 'VSockCID', 'VirtualMachineMonitor',
] as const;

/**
 * Where and how mkb keeps things on this machine, and provenance: never image content. `Seed` is random
 * per run unless set and only seeds partition UUIDs (disk formats, which these kinds do not produce).
 */
export const HOST_LOCAL = [
  'BuildKey', 'CacheDirectory', 'CacheKey', 'CacheOnly', 'ExtraSearchPaths', 'Files', 'History', 'Incremental',
  'PackageCacheDirectory', 'ProxyPeerCertificate', 'RepartOffline', 'Seed', 'UseSubvolumes', 'WorkspaceDirectory',
  'MinimumVersion', 'ConfigureScripts', 'PassEnvironment', 'Dependencies', 'CleanScripts', 'SyncScripts',
] as const;

/** What the output stage alone reads: format, naming, compression, checksums, manifests, post-output. */
export const OUTPUT_ONLY = [
  'Checksum', 'CompressLevel', 'CompressOutput', 'Format', 'Key', 'ManifestFormat', 'NSpawnSettings', 'OpenPGPTool',
  'Output', 'OutputDirectory', 'OutputExtension', 'OutputMode', 'OutputSize', 'PostOutputScripts', 'Sign', 'SplitArtifacts',
] as const;

/** Disk, UKI and verity assembly: not produced by directory, tar, cpio or none. */
export const DISK_ONLY = [
  'ElTorito', 'ElToritoPublisher', 'ElToritoSystem', 'ElToritoVolume', 'Passphrase', 'RepartDirectories', 'SectorSize',
  'SignExpectedPcr', 'SignExpectedPcrCertificate', 'SignExpectedPcrCertificateSource', 'SignExpectedPcrKey',
  'SignExpectedPcrKeySource', 'SignInitrdPCRs', 'Verity', 'VerityCertificate', 'VerityCertificateSource', 'VerityKey',
  'VerityKeySource',
] as const;

/** Read by the finalize stage only (after the cached base). */
export const FINALIZE_ONLY = [
  'Autologin', 'CleanPackageMetadata', 'ExtraTrees', 'FinalizeScripts', 'FirmwareExclude', 'FirmwareFiles', 'Hostname',
  'ImageId', 'ImageVersion', 'KernelModules', 'KernelModulesExclude', 'KernelModulesIncludeHost', 'Keymap', 'Locale',
  'LocaleMessages', 'MachineId', 'PostInstallationScripts', 'RemoveFiles', 'RemovePackages', 'RootPassword', 'RootShell',
  'Ssh', 'Timezone', 'VolatilePackageDirectories', 'VolatilePackages',
] as const;

/** What resolution turns into the lock: stages after `package-lock` key on the lock's digest instead. */
export const RESOLUTION = [
  'LocalMirror', 'Mirror', 'PackageDirectories', 'Packages', 'Repositories', 'RepositoryKeyCheck', 'RepositoryKeyFetch',
  'SandboxTrees', 'Snapshot', 'WithRecommends',
] as const;

/**
 * Read by the build-overlay and build-scripts stages only (BuildSources= and WithNetwork= also reach the
 * other stages' scripts, WithTests= the prepare scripts).
 */
export const BUILD_ONLY = ['BuildDirectory', 'BuildPackages', 'BuildScripts', 'BuildSubdirectory'] as const;

/** Read by the base-install stage only. */
export const BASE_ONLY = ['BaseTrees', 'PrepareScripts', 'SkeletonTrees', 'WithDocs'] as const;

export const union = (...groups: readonly (readonly string[])[]): readonly string[] => [...new Set(groups.flat())].sort();
