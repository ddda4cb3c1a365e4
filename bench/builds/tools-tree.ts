// A Debian trixie tools tree for mkosi 27.1, which needs systemd-repart ≥ 254 (bookworm has 252). Made once
// with debootstrap from the host's Debian mirror under the bench cache; later runs reuse it.
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const RELEASE = 'trixie';

/** What mkosi runs from a tools tree to build directory and tar images of a Debian config. */
const PACKAGES = [
  'apt', 'ca-certificates', 'cpio', 'debian-archive-keyring', 'dosfstools', 'e2fsprogs', 'gpgv', 'kmod', 'mount',
  'python3', 'systemd', 'systemd-repart', 'tar', 'util-linux', 'xz-utils', 'zstd',
];

export interface ToolsTree {
  readonly path: string;
  /** The Debian version of systemd in the tree, for the results. */
  readonly systemdVersion: string;
}

export interface ToolsTreeOptions {
  /** The bench cache directory; the tree is `<cacheDir>/tools-trixie`. */
  readonly cacheDir: string;
  /** The host's Debian archive URI. */
  readonly mirror: string;
  readonly keyring: string;
  readonly log: (line: string) => void;
}

async function installedVersion(tree: string, pkg: string): Promise<string> {
  const r = await execa('dpkg-query', [`--admindir=${join(tree, 'var/lib/dpkg')}`, '-W', '-f', '${Version}', pkg]);
  return r.stdout.trim();
}

/** Returns the tools tree, creating it first when it is missing or was made with another package list. */
export async function ensureToolsTree(o: ToolsTreeOptions): Promise<ToolsTree> {
  const path = join(o.cacheDir, `tools-${RELEASE}`);
  const marker = `${path}.packages`;
  const wanted = PACKAGES.join(' ') + '\n';
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    o.log(`  creating the Debian ${RELEASE} tools tree for mkosi in ${path} (debootstrap, a few minutes)`);
    const work = `${path}.tmp`;
    await rm(work, { recursive: true, force: true });
    const r = await execa('debootstrap', [
      '--variant=minbase', `--include=${PACKAGES.join(',')}`, `--keyring=${o.keyring}`, RELEASE, work, o.mirror,
    ], { reject: false, all: true, env: { LANG: 'C.UTF-8' } });
    if (r.exitCode !== 0) throw new Error(`debootstrap of the ${RELEASE} tools tree failed (exit ${r.exitCode}):\n${r.all.slice(-3000)}`);
    // The downloaded packages are not part of the tools.
    await execa('sh', ['-c', 'rm -f "$1"/var/cache/apt/archives/*.deb', 'sh', work]);
    await rm(path, { recursive: true, force: true });
    await rename(work, path);
    await writeFile(marker, wanted);
  }
  return { path, systemdVersion: await installedVersion(path, 'systemd') };
}
