// apt's configuration as values: the deb822 sources file, the APT_CONFIG file and the `-o` options.
// Pure; nothing here reads or writes the host's apt state.
import type { AptRepository } from '../../distro/types.js';

/** The settings that change how apt resolves and installs. */
export interface AptSettings {
  /** dpkg architecture (`amd64`, …). */
  readonly architecture: string;
  readonly withRecommends: boolean;
  readonly withDocs: boolean;
  readonly repositoryKeyCheck: boolean;
}

/** Where apt reads and writes, all outside the host's apt state. */
export interface AptPaths {
  /** The private `/etc/apt`: sources.list.d, preferences.d, apt.conf.d, trusted.gpg.d. */
  readonly etc: string;
  /** Repository indexes (`Dir::State::Lists`): the metadata snapshot. */
  readonly lists: string;
  /** `Dir::State` (extended_states): `<root>/var/lib/apt`, or a scratch directory when there is no root. */
  readonly state: string;
  /** dpkg status file: `<root>/var/lib/dpkg/status`, or an empty file. */
  readonly status: string;
  /** `Dir::Cache`: binary caches of this invocation (scratch). */
  readonly cache: string;
  /** `Dir::Cache::Archives`: the shared package download cache. */
  readonly archives: string;
  /** `Dir::Log`. */
  readonly log: string;
  /** The image root dpkg installs into, if any. */
  readonly root?: string;
}

/** Globs under the image root that WithDocs=no keeps out (copyright files stay). */
export const DOC_EXCLUDE_GLOBS = ['usr/share/doc/*', 'usr/share/man/*', 'usr/share/groff/*', 'usr/share/gtk-doc/*', 'usr/share/info/*'] as const;

/** One deb822 stanza per repository. */
export function renderSources(repositories: readonly AptRepository[]): string {
  return repositories.map((r) => [
    `Types: ${r.types.join(' ')}`,
    `URIs: ${r.uri}`,
    `Suites: ${r.suite}`,
    `Components: ${r.components.join(' ')}`,
    r.signedBy === undefined ? 'Trusted: yes' : `Signed-By: ${r.signedBy}`,
    ...(r.snapshot === undefined ? [] : [`Snapshot: ${r.snapshot}`]),
  ].join('\n') + '\n').join('\n');
}

/**
 * The file APT_CONFIG names. apt reads it before anything else, so setting `Dir::Etc` here (and not
 * with `-o`, which apt applies only after reading the configuration directory) keeps the host's
 * /etc/apt/apt.conf.d out.
 */
export function renderAptConf(etc: string): string {
  return `Dir::Etc "${etc}";\nDir::Etc::main "apt.conf";\nDir::Etc::parts "apt.conf.d";\n`;
}

function options(entries: readonly (readonly [string, string])[]): string[] {
  return entries.flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

/** dpkg options for installing into `root`. */
export function dpkgOptions(settings: AptSettings, root: string): string[] {
  const out = [`--root=${root}`, '--force-unsafe-io', '--force-architecture', '--force-depends', '--no-debsig'];
  if (!settings.withDocs) {
    out.push(...DOC_EXCLUDE_GLOBS.map((g) => `--path-exclude=/${g}`), '--path-include=/usr/share/doc/*/copyright');
  }
  return out;
}

/** The `-o` options of every apt-get/apt-cache invocation. */
export function aptOptions(settings: AptSettings, paths: AptPaths): string[] {
  const entries: [string, string][] = [
    ['Dir::Etc', paths.etc],
    ['Dir::State', paths.state],
    ['Dir::State::Lists', paths.lists],
    ['Dir::State::status', paths.status],
    ['Dir::Cache', paths.cache],
    ['Dir::Cache::Archives', paths.archives],
    ['Dir::Log', paths.log],
    ['APT::Architecture', settings.architecture],
    ['APT::Architectures', settings.architecture],
    ['APT::Install-Recommends', String(settings.withRecommends)],
    ['APT::Install-Suggests', 'false'],
    ['APT::Immediate-Configure', 'off'],
    ['APT::Get::Assume-Yes', 'true'],
    ['APT::Get::AutomaticRemove', 'true'],
    ['APT::Get::Allow-Change-Held-Packages', 'true'],
    ['APT::Get::Allow-Remove-Essential', 'true'],
    ['APT::Sandbox::User', 'root'],
    ['APT::Keep-Downloaded-Packages', 'true'],
    ['Acquire::AllowReleaseInfoChange', 'true'],
    ['Acquire::Check-Valid-Until', 'false'],
    ['Acquire::Languages', 'none'],
    ['Debug::NoLocking', 'true'],
    ['DPkg::Use-Pty', 'false'],
    ['DPkg::Install::Recursive::Minimum', '1000'],
    ['pkgCacheGen::ForceEssential', ','],
  ];
  if (!settings.repositoryKeyCheck) {
    entries.push(
      ['Acquire::AllowInsecureRepositories', 'true'],
      ['Acquire::AllowDowngradeToInsecureRepositories', 'true'],
      ['APT::Get::AllowUnauthenticated', 'true'],
    );
  }
  if (paths.root !== undefined) {
    for (const o of dpkgOptions(settings, paths.root)) entries.push(['DPkg::Options::', o]);
  }
  return options(entries);
}

/** The environment apt and dpkg run with, on top of the allow-listed host variables. */
export function aptEnvironment(aptConf: string): Record<string, string> {
  return {
    APT_CONFIG: aptConf,
    DEBIAN_FRONTEND: 'noninteractive',
    DEBCONF_NONINTERACTIVE_SEEN: 'true',
    INITRD: 'No',
  };
}
