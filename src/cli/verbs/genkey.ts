import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES } from '../exit-codes.js';
import { VerbFailed } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';

const KEY = 'mkosi.key';
const CERTIFICATE = 'mkosi.crt';

function userName(env: Readonly<Record<string, string>>): string {
  return env['USER'] ?? env['LOGNAME'] ?? userInfo().username;
}

/** The expiry date as `Friday 24. November 2028`. */
function expiryText(days: number, now: Date): string {
  const date = new Date(now.getTime() + days * 86_400_000);
  const weekday = date.toLocaleDateString('en-US', { weekday: 'long' });
  const month = date.toLocaleDateString('en-US', { month: 'long' });
  return `${weekday} ${String(date.getDate()).padStart(2, '0')}. ${month} ${date.getFullYear()}`;
}

/**
 * `genkey`: a self-signed RSA key and certificate for Secure Boot and verity signing (mkosi.key, mkosi.crt)
 * in the configuration directory, made with `openssl req` as mkosi does. Existing files are kept unless -f.
 */
export async function genkeyVerb(ctx: VerbContext): Promise<number> {
  const { parsed, io } = ctx;
  const dir = parsed.directory ?? io.cwd;
  const days = Number(parsed.genkeyValidDays);
  if (!/^[0-9]+$/.test(parsed.genkeyValidDays) || !Number.isSafeInteger(days)) {
    throw new VerbFailed(`--genkey-valid-days: '${parsed.genkeyValidDays}' is not a number of days`);
  }
  if (parsed.force === 0) {
    for (const name of [KEY, CERTIFICATE]) {
      if (existsSync(join(dir, name))) throw new VerbFailed(`${join(dir, name)} already exists`, `To generate new keys, first remove ${KEY} and ${CERTIFICATE}`);
    }
  }
  const commonName = parsed.genkeyCommonName ?? `mkosi of ${userName(io.env)}`;
  io.err(`‣ Generating keys rsa:2048 for CN '${commonName}'.\n`);
  io.err(`‣ \nThe keys will expire in ${days} days (${expiryText(days, new Date())}).\nRemember to roll them over to new ones before then.\n`);
  const { execa } = await import('execa');
  const result = await execa('openssl', [
    'req', '-new', '-x509', '-newkey', 'rsa:2048', '-keyout', KEY, '-out', CERTIFICATE,
    '-days', String(days), '-subj', `/CN=${commonName}`, '-nodes',
  ], { cwd: dir, reject: false, stdin: 'ignore', env: { ...io.env }, extendEnv: false });
  if (result.stderr) io.err(`${result.stderr}\n`);
  if (result.failed && result.exitCode === undefined && result.signal === undefined) {
    throw new VerbFailed(`could not run openssl: ${result.shortMessage}`, 'install openssl (apt install openssl, dnf install openssl) and rerun mkb genkey');
  }
  if (result.failed) throw new VerbFailed(`openssl req failed with exit status ${String(result.exitCode ?? result.signal)}`);
  return EXIT_CODES.ok;
}
