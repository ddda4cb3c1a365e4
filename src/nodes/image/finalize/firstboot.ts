// The firstboot settings (Locale=, Keymap=, Timezone=, Hostname=, RootPassword=, RootShell=) applied with
// the host's `systemd-firstboot --root`, and the machine ID, as mkosi does before packing an image.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
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
  const r = await execa('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
    env: NODE_ENV, extendEnv: false, reject: false, input: `${password}\n`, cancelSignal: signal,
  });
  if (r.exitCode === 0) return ok(r.stdout.trim());
  return err({ code: 'COMMAND_FAILED', argv: ['openssl', 'passwd', '-6', '-salt', salt, '-stdin'], exitCode: r.exitCode ?? null, signal: r.signal ?? null, outputTail: r.stderr });
}

/** `systemd-firstboot --root` arguments for the settings that are set (empty when none is). */
export async function firstbootArguments(settings: Settings, signal: AbortSignal): Promise<Result<string[], PackageFailure>> {
  const args: string[] = [];
  const add = (setting: string, option: string): void => {
    const v = str(settings, setting);
    if (v !== undefined) args.push(`--${option}=${v}`);
  };
  add('Locale', 'locale');
  add('LocaleMessages', 'locale-messages');
  add('Keymap', 'keymap');
  add('Timezone', 'timezone');
  add('Hostname', 'hostname');
  add('RootShell', 'root-shell');
  const pw = rootPassword(settings);
  if (pw !== undefined) {
    if (pw.hashed) args.push(`--root-password-hashed=${pw.password}`);
    else {
      const hashed = await hashPassword(pw.password, signal);
      if (!hashed.ok) return hashed;
      args.push(`--root-password-hashed=${hashed.value}`);
    }
  }
  return ok(args);
}

export async function runFirstboot(root: string, settings: Settings, signal: AbortSignal): Promise<Result<null, PackageFailure>> {
  const args = await firstbootArguments(settings, signal);
  if (!args.ok) return args;
  if (args.value.length === 0) return ok(null);
  const r = await runTool({ argv: ['systemd-firstboot', `--root=${root}`, '--force', ...args.value], env: NODE_ENV, signal, missingHint: 'install systemd on the host' });
  return r.ok ? ok(null) : r;
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
