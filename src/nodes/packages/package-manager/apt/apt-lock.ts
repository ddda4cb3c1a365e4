// The package lock: the exact resolved set, and the parsers that build it from apt's output. Pure.

/**
 * One package of the lock: what it is, never where it came from, so the same set resolved from another
 * mirror is the same lock (and keeps every later stage cached).
 */
export interface LockEntry {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly sha256: string;
  readonly size: number;
  /** The file name apt expects in its archives directory (`name_version_arch.deb`, `:` as `%3a`). */
  readonly cacheFile: string;
}

/** A lock entry with where to fetch it (`http…`, or `file:` for local packages): only while fetching. */
export interface LocatedEntry extends LockEntry {
  readonly uri: string;
}

export interface PackageLock<E extends LockEntry = LockEntry> {
  readonly architecture: string;
  /** Unpacked before anything is configured, then installed by apt (empty when adding to an existing root). */
  readonly bootstrap: readonly E[];
  /** Installed with apt afterwards. */
  readonly packages: readonly E[];
  /** What the user asked for, as passed to apt (the wish list). */
  readonly requested: readonly string[];
}

export const lockEntries = <E extends LockEntry>(lock: PackageLock<E>): readonly E[] => [...lock.bootstrap, ...lock.packages];

const withoutUri = ({ name, version, architecture, sha256, size, cacheFile }: LockEntry): LockEntry => ({ name, version, architecture, sha256, size, cacheFile });

/** The lock as stored: the URIs dropped, whatever entries it was resolved with. */
export function storedLock(lock: PackageLock): PackageLock {
  return { ...lock, bootstrap: lock.bootstrap.map(withoutUri), packages: lock.packages.map(withoutUri) };
}

/** One line of `apt-get install --print-uris`: `'URI' file size hash`. */
export interface PrintedUri {
  readonly uri: string;
  readonly cacheFile: string;
  readonly size: number;
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
}

/** Splits apt's archive file name `name_version_arch.deb` (the version with `%3a` for the epoch colon). */
export function parseCacheFile(file: string): { name: string; version: string; architecture: string } | undefined {
  const m = /^([^_/]+)_([^_/]+)_([^_/]+)\.u?deb$/.exec(file);
  if (m === null) return undefined;
  return { name: m[1] ?? '', version: decodeURIComponent(m[2] ?? ''), architecture: m[3] ?? '' };
}

export function parsePrintUris(stdout: string): PrintedUri[] {
  const out: PrintedUri[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^'([^']+)'\s+(\S+)\s+(\d+)/.exec(line.trim());
    if (m === null) continue;
    const cacheFile = m[2] ?? '';
    const parsed = parseCacheFile(cacheFile);
    if (parsed === undefined) continue;
    out.push({ uri: m[1] ?? '', cacheFile, size: Number(m[3]), ...parsed });
  }
  return out;
}

/** deb822 paragraphs (`Key: value`, continuation lines), keys as written. */
export function parseDeb822(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of [...text.split('\n'), '']) {
    if (line.trim() === '') {
      if (fields.size > 0) out.push(fields);
      fields = new Map();
      last = undefined;
    } else if (/^\s/.test(line)) {
      if (last !== undefined) fields.set(last, `${fields.get(last) ?? ''}\n${line.slice(1)}`);
    } else {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      last = line.slice(0, colon);
      fields.set(last, line.slice(colon + 1).trim());
    }
  }
  return out;
}

export interface IndexRecord {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly sha256?: string;
  readonly size?: number;
  /** The whole paragraph, for synthesizing a dpkg status file. */
  readonly fields: ReadonlyMap<string, string>;
}

export const recordKey = (name: string, version: string, architecture: string): string => `${name} ${version} ${architecture}`;

/** `apt-cache show` output → records keyed by `name version arch` (the first paragraph of each wins). */
export function parseIndexRecords(stdout: string): Map<string, IndexRecord> {
  const out = new Map<string, IndexRecord>();
  for (const f of parseDeb822(stdout)) {
    const name = f.get('Package');
    const version = f.get('Version');
    const architecture = f.get('Architecture');
    if (name === undefined || version === undefined || architecture === undefined) continue;
    const key = recordKey(name, version, architecture);
    if (out.has(key)) continue;
    const sha256 = f.get('SHA256');
    const size = f.get('Size');
    out.set(key, {
      name, version, architecture, fields: f,
      ...(sha256 === undefined ? {} : { sha256 }), ...(size === undefined ? {} : { size: Number(size) }),
    });
  }
  return out;
}

/** Fields dpkg keeps in its status file; the rest of an index paragraph (Filename, hashes, …) is dropped. */
const STATUS_DROP = new Set(['Filename', 'Size', 'MD5sum', 'SHA1', 'SHA256', 'SHA512', 'Description-md5', 'Tag', 'Section-Tag']);

/** A dpkg status paragraph marking `record` as installed, for simulating a resolution on top of a set. */
export function statusParagraph(record: IndexRecord): string {
  const lines = [`Package: ${record.name}`, 'Status: install ok installed'];
  for (const [k, v] of record.fields) {
    if (k === 'Package' || STATUS_DROP.has(k)) continue;
    // apt-cache shows the translated description; dpkg's status file calls it Description.
    const key = k === 'Description-en' && !record.fields.has('Description') ? 'Description' : k;
    lines.push(`${key}: ${v.replace(/\n/g, '\n ')}`);
  }
  return lines.join('\n') + '\n';
}

/** Package names apt could not find, from its error output. */
export function unknownPackages(stderr: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^E: Unable to locate package (.+)$/,
    /^E: Package '(.+)' has no installation candidate$/,
    /^E: Couldn't find any package by (?:glob|regex|pattern) '(.+)'$/,
    /^E: Version '.+' for '(.+)' was not found$/,
  ];
  for (const line of stderr.split('\n')) {
    for (const re of patterns) {
      const m = re.exec(line.trim());
      if (m?.[1] !== undefined && !out.includes(m[1])) out.push(m[1]);
    }
  }
  return out;
}

export function sortEntries<E extends LockEntry>(entries: readonly E[]): E[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.architecture < b.architecture ? -1 : 1));
}

/** `name:arch=version` for every entry: what to pass apt to install exactly the lock. */
export function pinnedSpecs(entries: readonly LockEntry[]): string[] {
  return entries.map((e) => `${e.name}:${e.architecture}=${e.version}`);
}

/** Differences between a lock and `dpkg-query -W -f '${Package} ${Version} ${Architecture}\n'` output. */
export function lockDifferences(entries: readonly LockEntry[], installed: string): string[] {
  const have = new Set(installed.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
  const want = new Set(entries.map((e) => recordKey(e.name, e.version, e.architecture)));
  return [
    ...[...want].filter((w) => !have.has(w)).map((w) => `missing ${w}`),
    ...[...have].filter((h) => !want.has(h)).map((h) => `unexpected ${h}`),
  ].sort();
}
