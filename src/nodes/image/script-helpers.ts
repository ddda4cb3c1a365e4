// The helpers mkosi puts on a script's $PATH (mkosi-reference.md §6.3), as small shell scripts mounted at
// /scripts: mkosi-chroot enters the image; mkosi-install/-upgrade/-remove/-reinstall and the apt-get, apt-cache,
// dpkg, dpkg-query wrappers drive apt on $BUILDROOT with the build's own repositories and package cache.
// Everything they name is a sandbox path (DESIGN.md §6), so the helpers' text is the same on every machine.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aptEnvironment, aptOptions, renderAptConf } from '../packages/package-manager/apt/apt-config.js';
import type { AptSettings } from '../packages/package-manager/apt/apt-config.js';
import { bwrapArgv } from '../sandbox/sandbox-command.js';
import { SANDBOX } from './script-environment.js';

/** The apt state mkosi-install and friends use, where the script sandbox mounts it. */
export const HELPER_APT = {
  metadata: '/work/apt/metadata', archives: '/work/apt/archives', scratch: '/work/apt/scratch',
} as const;

/** The package operations mkosi offers for apt, as apt-get arguments. */
export const APT_HELPERS: Readonly<Record<string, readonly string[]>> = {
  'mkosi-install': ['install'],
  'mkosi-upgrade': ['upgrade'],
  'mkosi-remove': ['purge'],
  'mkosi-reinstall': ['install', '--reinstall'],
};

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const script = (why: string, lines: readonly string[]): string => `#!/bin/sh\n# ${why}\n${lines.join('\n')}\n`;

/**
 * `mkosi-chroot CMD…`: CMD with the image as `/`, the same /work mounts, its own /proc, /dev, /tmp, /run, and
 * the variables mkosi sets inside the image. Without CMD, a shell.
 */
export function chrootHelper(network: boolean): string {
  const argv = [
    'bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', ...(network ? [] : ['--unshare-net']),
    '--bind', SANDBOX.buildroot, '/', '--bind', '/work', '/work', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run',
    '--setenv', 'container', 'mkosi', '--setenv', 'HOME', '/', '--setenv', 'PATH', '/usr/bin:/usr/sbin', '--setenv', 'BUILDROOT', '/',
    '--chdir', SANDBOX.src, '--',
  ];
  return script('mkosi-chroot: runs a command (default: a shell) inside the image being built.', [
    '[ "$#" -gt 0 ] || set -- sh',
    `exec ${argv.map(quote).join(' ')} "$@"`,
  ]);
}

/** `mkosi-as-caller CMD…`: CMD as the user who ran the build ($MKOSI_UID/$MKOSI_GID). */
export function asCallerHelper(): string {
  return script('mkosi-as-caller: runs a command as the user who started the build.', [
    'exec setpriv --reuid="$MKOSI_UID" --regid="$MKOSI_GID" --clear-groups "$@"',
  ]);
}

/** The private paths apt sees inside the script sandbox. */
function helperAptPaths() {
  const etc = `${HELPER_APT.metadata}/etc/apt`;
  return {
    etc, lists: `${HELPER_APT.metadata}/lists`, state: `${SANDBOX.buildroot}/var/lib/apt`, status: `${SANDBOX.buildroot}/var/lib/dpkg/status`,
    cache: `${HELPER_APT.scratch}/cache`, archives: HELPER_APT.archives, log: `${HELPER_APT.scratch}/log`, root: SANDBOX.buildroot,
  };
}

/**
 * A wrapper running `tool` (apt-get or apt-cache) on $BUILDROOT, with `args` before the caller's. apt runs in a
 * nested sandbox where /etc/apt and /etc/dpkg are private, as mkb's own installs do; services are kept from
 * starting by a policy-rc.d that exists only while it runs.
 */
export function aptHelper(o: { why: string; tool: 'apt-get' | 'apt-cache'; args: readonly string[]; settings: AptSettings; network: boolean }): string {
  const paths = helperAptPaths();
  const env = aptEnvironment(`${HELPER_APT.scratch}/apt.conf`);
  const argv = bwrapArgv({
    mode: 'host', root: SANDBOX.buildroot, network: o.network,
    mounts: [
      { type: 'ro-bind', source: paths.etc, target: '/etc/apt' },
      { type: 'ro-bind', source: `${HELPER_APT.scratch}/dpkg-etc`, target: '/etc/dpkg' },
    ],
    argv: ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), `/usr/bin/${o.tool}`, ...aptOptions(o.settings, paths), ...o.args],
  });
  const policy = `${SANDBOX.buildroot}/usr/sbin/policy-rc.d`;
  return script(o.why, [
    `policy=${quote(policy)}`,
    // An image's own policy-rc.d stays; ours is removed again however apt ends.
    'if [ ! -e "$policy" ]; then printf \'#!/bin/sh\\nexit 101\\n\' > "$policy" && chmod 755 "$policy" && trap \'rm -f "$policy"\' EXIT; fi',
    `${argv.map(quote).join(' ')} "$@"`,
  ]);
}

/** `dpkg`/`dpkg-query` on $BUILDROOT's database. */
export function dpkgHelper(tool: 'dpkg' | 'dpkg-query'): string {
  return script(`${tool} on the image being built.`, [`exec /usr/bin/${tool} --root=${SANDBOX.buildroot} "$@"`]);
}

export interface WriteHelpersOptions {
  /** The directory mounted at /scripts. */
  readonly dir: string;
  readonly network: boolean;
  /** The script works on an image at /buildroot: mkosi-chroot and the package helpers make sense. */
  readonly inImage: boolean;
  /** apt's settings when the stage has repositories to install from; without, only the non-apt helpers. */
  readonly apt?: AptSettings;
}

/** Writes every helper into `o.dir`; the caller mounts it at /scripts and the apt state at HELPER_APT. */
export async function writeHelpers(o: WriteHelpersOptions): Promise<void> {
  await mkdir(o.dir, { recursive: true });
  const files: Record<string, string> = { 'mkosi-as-caller': asCallerHelper() };
  if (o.inImage) {
    Object.assign(files, { 'mkosi-chroot': chrootHelper(o.network), dpkg: dpkgHelper('dpkg'), 'dpkg-query': dpkgHelper('dpkg-query') });
  }
  if (o.apt !== undefined) {
    const settings = o.apt;
    for (const [name, args] of Object.entries(APT_HELPERS)) {
      files[name] = aptHelper({ why: `${name}: apt-get ${args.join(' ')} on the image being built.`, tool: 'apt-get', args, settings, network: o.network });
    }
    for (const tool of ['apt-get', 'apt-cache'] as const) {
      files[tool] = aptHelper({ why: `${tool} on the image being built.`, tool, args: [], settings, network: o.network });
    }
  }
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(o.dir, name), text);
    await chmod(join(o.dir, name), 0o755);
  }
}

/** The apt configuration file and scratch directories the apt helpers expect under HELPER_APT.scratch. */
export async function writeHelperAptScratch(scratch: string): Promise<void> {
  for (const d of ['cache', 'log', 'dpkg-etc']) await mkdir(join(scratch, d), { recursive: true });
  await writeFile(join(scratch, 'apt.conf'), renderAptConf(`${HELPER_APT.metadata}/etc/apt`));
}
