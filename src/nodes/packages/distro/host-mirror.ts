// Picks a distribution's archive, security and debug URIs out of the host's apt sources.
import type { HostAptSource, HostAptSources } from './host-apt-sources.js';

export interface HostMirror {
  /** The archive proper (`<uri> <release>`), e.g. the URI of the host's `bookworm main` entry. */
  readonly archive?: HostAptSource;
  /** The entry serving `<codename>-security`. */
  readonly security?: HostAptSource;
  /** The entry serving `<codename>-debug`. */
  readonly debug?: HostAptSource;
}

export interface FindHostMirrorOptions {
  /** Plain suite names of the distribution (codenames and aliases, without `-updates` and the like). */
  readonly suites: ReadonlySet<string>;
}

function baseSuite(suite: string): string {
  return suite.replace(/\/$/, '').replace(/-(security|debug|updates|backports|proposed)$/, '');
}

/** The first binary (`deb`) entry of each kind whose suites belong to the distribution. */
export function findHostMirror(host: HostAptSources, options: FindHostMirrorOptions): HostMirror {
  const binary = host.sources.filter((s) => s.types.includes('deb'));
  const ofDistro = (suffix: string) => binary.find((s) => s.suites.some((suite) => suite.endsWith(suffix)
    && options.suites.has(baseSuite(suite))));
  const archive = binary.find((s) => s.suites.some((suite) => options.suites.has(suite)) && s.components.includes('main'));
  const security = ofDistro('-security');
  const debug = ofDistro('-debug');
  return { ...(archive ? { archive } : {}), ...(security ? { security } : {}), ...(debug ? { debug } : {}) };
}

/** `base` + `/` + `path`, without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function trimUrl(uri: string): string {
  return uri.replace(/\/+$/, '');
}
