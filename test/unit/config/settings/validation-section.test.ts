import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { VALIDATION_SETTINGS } from '../../../../src/config/settings/validation-section.js';
import type { SettingDef } from '../../../../src/config/settings/types.js';
import { defaultContext, defaultOf, parseAll, parseEnv } from './default-context.js';

const defs = new Map<string, SettingDef>((VALIDATION_SETTINGS as readonly SettingDef[]).map((d) => [d.name, d]));
const def = (name: string): SettingDef => {
  const found = defs.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};
const dir = mkdtempSync(join(tmpdir(), 'mkb-validation-'));
writeFileSync(join(dir, 'open.key'), 'k');
chmodSync(join(dir, 'open.key'), 0o644);
writeFileSync(join(dir, 'private.key'), 'k');
chmodSync(join(dir, 'private.key'), 0o600);
const env = parseEnv(dir);
const parse = (name: string, ...raws: string[]): unknown => parseAll(def(name), raws, env);

describe('[Validation] table', () => {
  test('27.1 order, including SignInitrdPCRs after the PCR certificate source', () => {
    expect([...defs.keys()]).toEqual([
      'SecureBoot', 'SecureBootAutoEnroll', 'SecureBootKey', 'SecureBootKeySource', 'SecureBootCertificate',
      'SecureBootCertificateSource', 'SecureBootSignTool', 'Verity', 'VerityKey', 'VerityKeySource', 'VerityCertificate',
      'VerityCertificateSource', 'SignExpectedPcr', 'SignExpectedPcrKey', 'SignExpectedPcrKeySource',
      'SignExpectedPcrCertificate', 'SignExpectedPcrCertificateSource', 'SignInitrdPCRs', 'Passphrase', 'Checksum',
      'Sign', 'Key', 'OpenPGPTool',
    ]);
  });

  test('mkosi.key feeds every private key, mkosi.crt every certificate', () => {
    const fed = (file: string) => [...defs.values()].filter((d) => d.paths?.some((p) => p.path === file)).map((d) => d.name);
    expect(fed('mkosi.key')).toEqual(['SecureBootKey', 'VerityKey', 'SignExpectedPcrKey']);
    expect(fed('mkosi.crt')).toEqual(['SecureBootCertificate', 'VerityCertificate', 'SignExpectedPcrCertificate']);
    expect(def('Passphrase').paths).toEqual([{ path: 'mkosi.passphrase' }]);
  });

  test('scopes: signing keys are universal, PCR keys inherit, the rest local', () => {
    expect(def('SecureBootKey').scope).toBe('universal');
    expect(def('VerityCertificateSource').scope).toBe('universal');
    expect(def('SignExpectedPcrKey').scope).toBe('inherit');
    expect(def('SignInitrdPCRs').scope).toBe('local');
  });
});

describe('[Validation] defaults (empty config, 27.1)', () => {
  test.each([
    ['SecureBoot', false], ['SecureBootAutoEnroll', true], ['SecureBootKey', null],
    ['SecureBootKeySource', { Source: '', Type: 'file' }], ['SecureBootCertificateSource', { Source: '', Type: 'file' }],
    ['SecureBootSignTool', 'auto'], ['Verity', 'auto'], ['SignExpectedPcr', 'auto'], ['SignInitrdPCRs', 'auto'],
    ['Passphrase', null], ['Checksum', false], ['Sign', false], ['Key', null], ['OpenPGPTool', 'gpg'],
  ])('%s', (name, expected) => {
    expect(defaultOf(def(name))).toEqual(expected);
  });

  test('Checksum follows Sign', () => {
    expect(defaultOf(def('Checksum'), defaultContext({ Sign: true }))).toBe(true);
  });
});

describe('[Validation] parsers', () => {
  test('SignInitrdPCRs is a feature: a boolean maps to enabled/disabled', () => {
    expect(parse('SignInitrdPCRs', 'yes')).toBe('enabled');
    expect(parse('SignInitrdPCRs', 'no')).toBe('disabled');
    expect(() => parse('SignInitrdPCRs', 'x')).toThrow(/'x'/);
  });

  test('Verity takes its values or a boolean (yes = signed, no = disabled)', () => {
    expect(parse('Verity', 'yes')).toBe('signed');
    expect(parse('Verity', 'no')).toBe('disabled');
    expect(parse('Verity', 'defer')).toBe('defer');
    expect(() => parse('Verity', 'bogus')).toThrow(/'bogus'/);
  });

  test('SecureBootSignTool refuses booleans, naming the value set', () => {
    expect(parse('SecureBootSignTool', 'systemd-sbsign')).toBe('systemd-sbsign');
    expect(() => parse('SecureBootSignTool', 'yes')).toThrow("'yes' is not a valid SecureBootSignTool");
  });

  test('private keys: kept verbatim when missing, refused when world-readable', () => {
    expect(parse('SecureBootKey', 'pkcs11:token=x')).toBe('pkcs11:token=x');
    expect(parse('VerityKey', 'private.key')).toBe(join(dir, 'private.key'));
    expect(() => parse('SignExpectedPcrKey', 'open.key')).toThrow(/too open/);
  });

  test('certificates may be world-readable', () => {
    expect(parse('SecureBootCertificate', 'open.key')).toBe(join(dir, 'open.key'));
  });

  test('key sources: engines for keys only', () => {
    expect(parse('SecureBootKeySource', 'engine:pkcs11')).toEqual({ Source: 'pkcs11', Type: 'engine' });
    expect(parse('VerityKeySource', 'engine')).toEqual({ Source: '', Type: 'engine' });
    expect(parse('SecureBootCertificateSource', 'provider:x:y')).toEqual({ Source: 'x:y', Type: 'provider' });
    expect(() => parse('VerityCertificateSource', 'engine:x')).toThrow("'engine:x' is not a valid certificate source");
    expect(() => parse('SecureBootKeySource', 'bogus')).toThrow("'bogus' is not a valid key source");
  });

  test('Passphrase may be missing but must be private when it exists', () => {
    expect(parse('Passphrase', 'missing')).toBe(join(dir, 'missing'));
    expect(() => parse('Passphrase', 'open.key')).toThrow(/too open/);
  });

  test('Key is a plain string (no path resolution)', () => {
    expect(parse('Key', '~/foo')).toBe('~/foo');
  });

  test('--checksum alone means yes', () => {
    expect(def('Checksum').cli).toMatchObject({ long: '--checksum', bareConst: 'yes' });
  });
});
