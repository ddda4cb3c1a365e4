// The image's package records (dpkg's database) and mkosi's `changelog` manifest: a plain-text report of
// the packages grouped by source package, each group with the source's Debian changelog, so that a diff
// of two reports shows what changed in the packages.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isAbsolute, join } from 'node:path';

/** One installed package, as the JSON manifest lists it (size in bytes: dpkg's Installed-Size × 1024). */
export interface PackageRecord {
  readonly type: 'deb';
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly size: number;
}

export interface InstalledPackage extends PackageRecord {
  readonly source: string;
}

/** The dpkg-query format `parseInstalled` reads. */
export const INSTALLED_FORMAT = '${Package}\\t${source:Package}\\t${Version}\\t${Architecture}\\t${Installed-Size}\\n';

/** dpkg-query output in INSTALLED_FORMAT → packages, in the order of their sorted lines. */
export function parseInstalled(stdout: string): InstalledPackage[] {
  return stdout.split('\n').filter((l) => l !== '').sort().map((line) => {
    const [name = '', source = '', version = '', architecture = '', size = ''] = line.split('\t');
    return { type: 'deb', name, source, version, architecture, size: Number(size || 0) * 1024 };
  });
}

export const packageRecord = ({ type, name, version, architecture, size }: InstalledPackage): PackageRecord => ({ type, name, version, architecture, size });

export interface SourceGroup {
  readonly source: string;
  readonly packages: readonly InstalledPackage[];
  /** The changelog of the first package of the group found in the image, trimmed. */
  readonly changelog: string | undefined;
}

/** Groups packages by source, in the order each source first appears. */
export function groupBySource(packages: readonly InstalledPackage[]): Map<string, InstalledPackage[]> {
  const groups = new Map<string, InstalledPackage[]>();
  for (const p of packages) groups.set(p.source, [...groups.get(p.source) ?? [], p]);
  return groups;
}

const sum = (packages: readonly InstalledPackage[]): number => packages.reduce((n, p) => n + p.size, 0);

/** The report text, byte for byte as mkosi 27.1 writes `<Output>.changelog`. */
export function renderPackageReport(packages: readonly InstalledPackage[], groups: readonly SourceGroup[]): string {
  let text = `Packages: ${packages.length}\nSize:     ${sum(packages)}`;
  for (const g of groups) {
    text += `\n${'-'.repeat(80)}\n`;
    text += `SourcePackage: ${g.source}\nPackages:      ${g.packages.map((p) => p.name).join(' ')}\nSize:          ${sum(g.packages)}\n`;
    if (g.changelog !== undefined && g.changelog !== '') text += `\nChangelog:\n${g.changelog}\n`;
  }
  return text;
}

/** Follows a symlink inside `root` (absolute targets are relative to the image, not the host). */
async function insideRoot(root: string, relative: string): Promise<string> {
  const path = join(root, relative);
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isSymbolicLink()) return path;
  const target = await readlink(path);
  return isAbsolute(target) ? join(root, target) : path;
}

/** The installed Debian changelog of a binary package (`/usr/share/doc/<name>/changelog.Debian.gz`), trimmed. */
export async function installedChangelog(root: string, name: string): Promise<string | undefined> {
  const dir = await insideRoot(root, join('usr/share/doc', name));
  const gz = await readFile(join(dir, 'changelog.Debian.gz')).catch(() => undefined);
  if (gz === undefined) return undefined;
  return (await promisify(gunzip)(gz)).toString('utf8').trim();
}

/** Source groups with their changelogs (mkosi asks for the changelog of each group's first package). */
export async function sourceGroups(root: string, packages: readonly InstalledPackage[]): Promise<SourceGroup[]> {
  const out: SourceGroup[] = [];
  for (const [source, members] of groupBySource(packages)) {
    const first = members[0];
    out.push({ source, packages: members, changelog: first === undefined ? undefined : await installedChangelog(root, first.name) });
  }
  return out;
}
