// mkosi 27.1's environment for each kind of user script (mkosi-reference.md §6.2, checked against 27.1 by
// fixtures/builds/bookworm-scripts). Pure: settings in, variables out. The sandbox paths are fixed, so what a
// script writes never depends on where mkb keeps its work.
import type { Settings } from '../types.js';
import { bool, list, num, str } from './image-settings.js';

/** The script kinds mkb runs itself (configure scripts run while the config loads). */
export type ScriptKind = 'sync' | 'prepare' | 'build' | 'postinst' | 'finalize' | 'postoutput' | 'clean';

/** Where each kind's script is mounted (mkosi's names: `$SCRIPT`; build scripts at `/work/build-script`). */
export const scriptPath = (kind: ScriptKind): string => (kind === 'build' ? '/work/build-script' : `/work/${kind}`);

export const SANDBOX = {
  buildroot: '/buildroot', src: '/work/src', out: '/work/out', config: '/work/config.json',
  packages: '/work/packages', artifacts: '/work/artifacts', helpers: '/scripts', dest: '/work/dest', build: '/work/build',
} as const;

/** mkosi's EFI architecture names, for the architectures that have one. */
const EFI_ARCHITECTURES: Readonly<Record<string, string>> = {
  'x86-64': 'x64', x86: 'ia32', arm64: 'aa64', arm: 'arm', 'riscv64': 'riscv64', 'loongarch64': 'loongarch64',
};

/** Debian's names for mkosi's architectures ($DISTRIBUTION_ARCHITECTURE of the Debian family). */
const DEBIAN_ARCHITECTURES: Readonly<Record<string, string>> = {
  'x86-64': 'amd64', x86: 'i386', arm64: 'arm64', arm: 'armhf', 'riscv64': 'riscv64', 'ppc64-le': 'ppc64el', s390x: 's390x',
  'loongarch64': 'loong64', alpha: 'alpha', ia64: 'ia64', mips64: 'mips64el', parisc: 'hppa',
};

const IN_IMAGE: ReadonlySet<ScriptKind> = new Set(['prepare', 'build', 'postinst', 'finalize']);
const WITH_OUTPUTDIR: ReadonlySet<ScriptKind> = new Set(['postinst', 'finalize', 'postoutput', 'clean']);

export interface ScriptEnvironmentOptions {
  readonly kind: ScriptKind;
  /** The image's settings as the script may see them. */
  readonly settings: Settings;
  /** The caller's uid and gid (mkosi's `$MKOSI_UID`, `$MKOSI_GID`). */
  readonly uid: number;
  readonly gid: number;
  /** `--debug` was given. */
  readonly debug: boolean;
  /** The image is a subimage (not main): mkosi sets `$SUBIMAGE` to its name. */
  readonly subimage?: string;
  /**
   * The image ID and version, when this kind's output may depend on them. mkb leaves them out of the prepare
   * stage, whose key does not hold them, so an unkeyed setting never reaches a cached tree.
   */
  readonly identity: boolean;
  /** Build scripts: BuildDirectory= is set, so `$BUILDDIR` is mounted. */
  readonly buildDir?: boolean;
  /** Sync scripts: whether the image's cached base is still valid (mkosi's `$CACHED`). */
  readonly cached?: boolean;
  /** Sync scripts get the caller's environment underneath mkosi's variables. */
  readonly host?: Readonly<Record<string, string>>;
}

function userEnvironment(settings: Settings): Record<string, string> {
  const user = settings['Environment'];
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return {};
  return Object.fromEntries(Object.entries(user).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The variables a script of `o.kind` sees, before the sandbox's PATH. */
export function scriptEnvironment(o: ScriptEnvironmentOptions): Record<string, string> {
  const s = o.settings;
  const architecture = str(s, 'Architecture') ?? 'x86-64';
  const env: Record<string, string> = {
    ...(o.host ?? {}),
    SYSTEMD_TMPFILES_FORCE_SUBVOL: '0', TERM: 'dumb',
    DISTRIBUTION: str(s, 'Distribution') ?? 'custom', RELEASE: str(s, 'Release') ?? '',
    ARCHITECTURE: architecture, DISTRIBUTION_ARCHITECTURE: DEBIAN_ARCHITECTURES[architecture] ?? architecture,
    SRCDIR: SANDBOX.src, MKOSI_CONFIG: SANDBOX.config,
    MKOSI_UID: String(o.uid), MKOSI_GID: String(o.gid), MKOSI_DEBUG: o.debug ? '1' : '0',
  };
  const efi = EFI_ARCHITECTURES[architecture];
  if (efi !== undefined) env['EFI_ARCHITECTURE'] = efi;
  const profiles = list(s, 'Profiles');
  if (profiles.length > 0) env['PROFILES'] = profiles.join(' ');
  if (o.subimage !== undefined) env['SUBIMAGE'] = o.subimage;
  const epoch = num(s, 'SourceDateEpoch');
  if (epoch !== undefined) env['SOURCE_DATE_EPOCH'] = String(epoch);
  if (o.identity) {
    const id = str(s, 'ImageId');
    const version = str(s, 'ImageVersion');
    if (id !== undefined) env['IMAGE_ID'] = id;
    if (version !== undefined) env['IMAGE_VERSION'] = version;
  }
  if (o.kind === 'sync') env['CACHED'] = o.cached === true ? '1' : '0';
  if (IN_IMAGE.has(o.kind)) {
    Object.assign(env, {
      BUILDROOT: SANDBOX.buildroot, CHROOT_SRCDIR: SANDBOX.src, SCRIPT: scriptPath(o.kind), CHROOT_SCRIPT: scriptPath(o.kind),
      PACKAGEDIR: SANDBOX.packages, ARTIFACTDIR: SANDBOX.artifacts,
      // Prepare scripts always have the network (they fetch what the build needs).
      WITH_NETWORK: o.kind === 'prepare' || bool(s, 'WithNetwork', false) ? '1' : '0',
    });
  }
  if (o.kind === 'prepare' || o.kind === 'build') {
    env['WITH_DOCS'] = bool(s, 'WithDocs', true) ? '1' : '0';
    env['WITH_TESTS'] = bool(s, 'WithTests', true) ? '1' : '0';
  }
  if (o.kind === 'build') {
    // No $OUTPUTDIR for build scripts since mkosi 25.
    Object.assign(env, { DESTDIR: SANDBOX.dest, CHROOT_DESTDIR: SANDBOX.dest });
    if (o.buildDir === true) Object.assign(env, { BUILDDIR: SANDBOX.build, CHROOT_BUILDDIR: SANDBOX.build });
  }
  if (WITH_OUTPUTDIR.has(o.kind)) env['OUTPUTDIR'] = SANDBOX.out;
  if (o.kind === 'postinst' || o.kind === 'finalize') env['CHROOT_OUTPUTDIR'] = SANDBOX.out;
  return { ...env, ...userEnvironment(s) };
}

/** Whether a script of this kind gets the network (sync and prepare: always; postoutput and clean: never; the others with WithNetwork=). */
export function scriptNetwork(kind: ScriptKind, settings: Settings): boolean {
  if (kind === 'sync' || kind === 'prepare') return true;
  if (kind === 'postoutput' || kind === 'clean') return false;
  return bool(settings, 'WithNetwork', false);
}

/**
 * The arguments mkosi passes: `final` to sync, prepare and postinst; nothing to the others. Build scripts get
 * the arguments after `--` and prepare scripts `build` in the build overlay: their callers say so.
 */
export const scriptArguments = (kind: ScriptKind): string[] => (kind === 'sync' || kind === 'prepare' || kind === 'postinst' ? ['final'] : []);
