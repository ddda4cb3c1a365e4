// The firstboot settings (Locale=, Keymap=, Timezone=, Hostname=, RootPassword=, RootShell=) applied with
// the host's `systemd-firstboot --root` and kept as credentials, and the machine ID, as mkosi does before packing an image.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { PackageFailure } from '../../packages/package-failure.js';
import { runTool } from '../../packages/run-tool.js';
import type { Settings } from '../../types.js';
import { rootPassword, str } from '../image-settings.js';
import { NODE_ENV } from '../node-support.js';

/**
 * A SHA-512 crypt hash of the password. The salt derives from the password itself so that two builds give
 * the same /etc/shadow (mkosi salts randomly; equal passwords thus show equal hashes across mkb images).
 */
export async function hashPassword(password: string, signal: AbortSignal): Promise<Result<string, PackageFailure>> {
  const salt = createHash('sha256').update(`mkb root password\0${password}`).digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
  // On stdin, so the password never shows in a process listing.
  const { execa } = await import('execa');
  const r = await execa('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
    env: NODE_ENV, extendEnv: false, reject: false, input: `${password}\n`, cancelSignal: signal,
  });
  if (r.exitCode === 0) return ok(r.stdout.trim());
  return err({ code: 'COMMAND_FAILED', argv: ['openssl', 'passwd', '-6', '-salt', salt, '-stdin'], exitCode: r.exitCode ?? null, signal: r.signal ?? null, outputTail: r.stderr });
}

/** One firstboot setting: its systemd-firstboot option and, for most, the credential mkosi also stores. */
export interface FirstbootSetting {
  readonly option: string;
  /** The name under /usr/lib/credstore, so a factory-reset image gets the same answers. */
  readonly credential?: string;
  readonly value: string;
}

const SETTINGS: ReadonlyArray<readonly [setting: string, option: string, credential: string | undefined]> = [
  ['Locale', 'locale', 'firstboot.locale'],
  ['LocaleMessages', 'locale-messages', 'firstboot.locale-messages'],
  ['Keymap', 'keymap', 'firstboot.keymap'],
  ['Timezone', 'timezone', 'firstboot.timezone'],
  ['Hostname', 'hostname', undefined],
  ['RootShell', 'root-shell', 'passwd.shell.root'],
];

/** The firstboot settings that are set, the root password hashed (empty when none is set). */
export async function firstbootSettings(settings: Settings, signal: AbortSignal): Promise<Result<FirstbootSetting[], PackageFailure>> {
  const out: FirstbootSetting[] = [];
  for (const [setting, option, credential] of SETTINGS) {
    const value = str(settings, setting);
    if (value !== undefined) out.push({ option, value, ...(credential === undefined ? {} : { credential }) });
  }
  const pw = rootPassword(settings);
  if (pw !== undefined) {
    const hashed = pw.hashed ? ok(pw.password) : await hashPassword(pw.password, signal);
    if (!hashed.ok) return hashed;
    out.push({ option: 'root-password-hashed', credential: 'passwd.hashed-password.root', value: hashed.value });
  }
  return ok(out);
}

/** mkosi 27.1 also stores the settings as credentials in /usr/lib/credstore (the password one readable by root only). */
export async function writeFirstbootCredentials(root: string, settings: readonly FirstbootSetting[]): Promise<void> {
  const credstore = join(root, 'usr/lib/credstore');
  await mkdir(credstore, { recursive: true, mode: 0o755 });
  for (const s of settings) {
    if (s.credential === undefined) continue;
    await writeFile(join(credstore, s.credential), s.value, { mode: s.credential.includes('password') ? 0o600 : 0o644 });
  }
}

/**
 * Applies the firstboot settings with systemd-firstboot and, unless `credentials` is false (an initrd, which
 * mkosi leaves without), stores them as credentials too.
 */
export async function runFirstboot(root: string, options: { settings: Settings; credentials: boolean; signal: AbortSignal }): Promise<Result<null, PackageFailure>> {
  const settings = await firstbootSettings(options.settings, options.signal);
  if (!settings.ok) return settings;
  if (settings.value.length === 0) return ok(null);
  const args = settings.value.map((s) => `--${s.option}=${s.value}`);
  const r = await runTool({ argv: ['systemd-firstboot', `--root=${root}`, '--force', ...args], env: NODE_ENV, signal: options.signal });
  if (!r.ok) return r;
  if (options.credentials) await writeFirstbootCredentials(root, settings.value);
  return ok(null);
}

/** /etc/machine-id: MachineId= when set, else `uninitialized` (first boot generates one). */
export async function writeMachineId(root: string, settings: Settings): Promise<void> {
  const id = str(settings, 'MachineId');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/machine-id'), `${id === undefined ? 'uninitialized' : id.replace(/-/g, '')}\n`, { mode: 0o444 });
}

/**
 * Lowers /etc/shadow's "last password change" days to SourceDateEpoch's day (systemd-firstboot and
 * chpasswd write today's date), so the tree does not depend on the day it was built.
 */
export async function clampShadowDates(root: string, epoch: number): Promise<void> {
  const path = join(root, 'etc/shadow');
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const day = Math.floor(epoch / 86400);
  const clamped = text.split('\n').map((line) => {
    const fields = line.split(':');
    const last = Number.parseInt(fields[2] ?? '', 10);
    if (fields.length < 3 || !Number.isSafeInteger(last) || last <= day) return line;
    fields[2] = String(day);
    return fields.join(':');
  }).join('\n');
  if (clamped !== text) await writeFile(path, clamped);
}
