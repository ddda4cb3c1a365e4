// The Debian packages whose programs mkb runs on the host (it uses no tools tree, whatever ToolsTree= says),
// by program: one list for the hints of missing tools, `npm run host-packages` and the test setup.
import { basename } from 'node:path';

/** Host programs mkb runs, by the Debian package that ships them. */
export const HOST_PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  apt: ['apt-get', 'apt-cache'],
  'apt-utils': ['apt-ftparchive'],
  dpkg: ['dpkg', 'dpkg-query', 'dpkg-deb'],
  // Verifies the Debian archive's signatures (apt's `signed-by`).
  'debian-archive-keyring': [],
  'ca-certificates': [],
  bubblewrap: ['bwrap'],
  attr: ['getfattr', 'setfattr'],
  tar: ['tar'],
  cpio: ['cpio'],
  zstd: ['zstd'],
  'xz-utils': ['xz'],
  gzip: ['gzip'],
  systemd: ['systemctl', 'systemd-sysusers', 'systemd-tmpfiles', 'systemd-firstboot'],
  udev: ['systemd-hwdb'],
  kmod: ['depmod'],
  openssl: ['openssl'],
  'systemd-container': ['systemd-nspawn'],
};

/** Every package of HOST_PROGRAMS, in its order. */
export const HOST_PACKAGES: readonly string[] = Object.keys(HOST_PROGRAMS);

/** The Debian package that ships `program` (a name or a path), if mkb knows it. */
export function packageOfProgram(program: string): string | undefined {
  const name = basename(program);
  return Object.entries(HOST_PROGRAMS).find(([, programs]) => programs.includes(name))?.[0];
}

/** What to tell a user whose host lacks `program`. */
export function missingProgramHint(program: string): string {
  const pkg = packageOfProgram(program);
  // Not "or use ToolsTree=": builds run host tools, whatever the configuration says.
  return pkg === undefined
    ? `install ${basename(program)} on the host`
    : `install the Debian package '${pkg}' (\`apt-get install ${pkg}\`, or \`npm run host-packages\` for all mkb needs)`;
}

/** A program mkb needs is not on the host: a node fails with TOOL_MISSING, not as a bug. */
export class MissingProgramError extends Error {
  constructor(readonly program: string, readonly purpose: string) {
    super(`${program} is missing: mkb needs it to ${purpose}`);
    this.name = 'MissingProgramError';
  }
}

/** The packages of `names` that dpkg does not list as installed. */
export async function missingPackages(names: readonly string[]): Promise<string[]> {
  const { execa } = await import('execa');
  const r = await execa('dpkg-query', ['--show', '--showformat=${Package} ${db:Status-Status}\\n', ...names], { reject: false });
  const installed = new Set(r.stdout.split('\n').filter((line) => line.endsWith(' installed')).map((line) => line.split(' ')[0]));
  return names.filter((name) => !installed.has(name));
}

/** Installs those of `names` that are missing with apt-get; throws with apt's output when it fails. */
export async function installPackages(names: readonly string[], log: (line: string) => void): Promise<void> {
  const missing = await missingPackages(names);
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')}`);
  const { execa } = await import('execa');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = await execa('apt-get', argv, { reject: false, all: true, env });
    if (r.exitCode !== 0) throw new Error(`\`apt-get ${argv.join(' ')}\` failed (exit ${r.exitCode}); the host needs the Debian archive in its apt sources.\n${r.all}`);
  }
}
