import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, machine } from 'node:os';
import { detectHostDistribution } from '../config/distributions.js';
import type { HostFacts } from '../config/settings/types.js';

/** `uname -m` → mkosi's Architecture name. */
const ARCHITECTURES: Readonly<Record<string, string>> = {
  x86_64: 'x86-64', amd64: 'x86-64', i386: 'x86', i486: 'x86', i586: 'x86', i686: 'x86',
  aarch64: 'arm64', arm64: 'arm64', aarch64_be: 'arm64', armv7l: 'arm', armv7hl: 'arm', armv8l: 'arm', armv6l: 'arm', arm: 'arm',
  ppc64le: 'ppc64-le', ppc64: 'ppc64', ppc: 'ppc', riscv64: 'riscv64', riscv32: 'riscv32', s390x: 's390x', s390: 's390',
  loongarch64: 'loongarch64', mips64: 'mips64-le', mips64el: 'mips64-le', mipsel: 'mips-le', mips: 'mips-le',
  parisc: 'parisc', parisc64: 'parisc', alpha: 'alpha', ia64: 'ia64', arc: 'arc', tilegx: 'tilegx',
};

/** The system-wide CA bundles, in the order they are looked for (Fedora-style first, then Debian-style). */
const CA_BUNDLES = [
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/ssl/cert.pem',
];

/** Parses os-release: KEY=VALUE lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1] || match[2] === undefined) continue;
    let value = match[2];
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    fields[match[1]] = value;
  }
  return fields;
}

export function architectureFromMachine(uname: string): string {
  return ARCHITECTURES[uname] ?? uname;
}

/** `systemctl --version`'s first line `systemd 252 (252.38-1~deb12u1)` → `252`; null without systemd. */
export function systemdVersionFrom(output: string): string | null {
  return /^systemd (\d+)/.exec(output)?.[1] ?? null;
}

let systemdVersion: Promise<string | null> | undefined;

/** The host's systemd version, asked for once per process and only when a `SystemdVersion=` condition needs it. */
function hostSystemdVersion(path: string | undefined): Promise<string | null> {
  systemdVersion ??= new Promise((resolve) => {
    execFile('systemctl', ['--version'], { env: { LANG: 'C', PATH: path ?? '/usr/sbin:/usr/bin:/sbin:/bin' } }, (error, stdout) => {
      resolve(error ? null : systemdVersionFrom(stdout));
    });
  });
  return systemdVersion;
}

function readOsRelease(): Record<string, string> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(path, 'utf8'));
    } catch {
      // Missing or unreadable: try the next location; with neither, the host is 'custom'.
    }
  }
  return {};
}

/**
 * The only place that gathers HostFacts from the real machine (R4). No subprocesses up front: os-release is a
 * file, `uname -m` is os.machine(), the CA bundle is the first of a few well-known paths that exists, and
 * `systemctl --version` runs only if a condition asks for the systemd version.
 */
export function gatherHostFacts(options: { readonly env: Readonly<Record<string, string>>; readonly directory: string | null }): HostFacts {
  // $MKOSI_HOST_DISTRIBUTION / $MKOSI_HOST_RELEASE override os-release, as in mkosi.
  const { distribution, release } = detectHostDistribution({ osRelease: readOsRelease(), env: options.env });
  return {
    distribution,
    release,
    architecture: architectureFromMachine(machine()),
    env: options.env,
    home: options.env['HOME'] ?? homedir(),
    directory: options.directory,
    caBundle: CA_BUNDLES.find((path) => existsSync(path)) ?? null,
    randomUuid: () => randomUUID(),
    uid: process.getuid?.() ?? 0,
    systemdVersion: () => hostSystemdVersion(options.env['PATH']),
  };
}
