import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RUNTIME_SETTINGS } from '../../../../src/config/settings/runtime-section.js';
import type { SettingDef } from '../../../../src/config/settings/types.js';
import { defaultContext, defaultOf, parseAll, parseEnv } from './default-context.js';

const defs = new Map<string, SettingDef>((RUNTIME_SETTINGS as readonly SettingDef[]).map((d) => [d.name, d]));
const def = (name: string): SettingDef => {
  const found = defs.get(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};
const dir = mkdtempSync(join(tmpdir(), 'mkb-runtime-'));
writeFileSync(join(dir, 'open.key'), 'k');
chmodSync(join(dir, 'open.key'), 0o644);
writeFileSync(join(dir, 'x.nspawn'), '[Exec]\n');
const env = parseEnv(dir);
const parse = (name: string, ...raws: string[]): unknown => parseAll(def(name), raws, env);

describe('[Runtime] table', () => {
  test('27.1 order; every runtime setting is main-scope', () => {
    expect([...defs.keys()]).toEqual([
      'NSpawnSettings', 'Ephemeral', 'Credentials', 'KernelCommandLineExtra', 'RuntimeTrees', 'RuntimeSize',
      'RuntimeNetwork', 'RuntimeBuildSources', 'BindUser', 'SshKey', 'SshCertificate', 'VirtualMachineMonitor', 'Machine',
      'ForwardJournal', 'SysupdateDirectory', 'Console', 'CPUs', 'RAM', 'MaxMem', 'KVM', 'CXL', 'VSock', 'VSockCID', 'TPM',
      'Removable', 'DiskType', 'Firmware', 'FirmwareVariables', 'Linux', 'Drives', 'QemuArgs', 'Register', 'StorageTargetMode',
    ]);
    expect(new Set([...defs.values()].map((d) => d.scope))).toEqual(new Set(['main']));
  });

  test('Qemu* compat names', () => {
    const compat = Object.fromEntries([...defs.values()].flatMap((d) => (d.compatNames ?? []).map((c) => [c, d.name])));
    expect(compat).toEqual({
      QemuSmp: 'CPUs', QemuMem: 'RAM', QemuKvm: 'KVM', QemuVsock: 'VSock', QemuVsockConnectionId: 'VSockCID',
      QemuSwtpm: 'TPM', QemuRemovable: 'Removable', QemuFirmware: 'Firmware', QemuFirmwareVariables: 'FirmwareVariables',
      QemuKernel: 'Linux', QemuDrives: 'Drives',
    });
  });

  test('default paths and CLI spellings', () => {
    expect(['NSpawnSettings', 'Credentials', 'SshKey', 'SshCertificate', 'SysupdateDirectory'].map((n) => def(n).paths?.[0]?.path))
      .toEqual(['mkosi.nspawn', 'mkosi.credentials', 'mkosi.key', 'mkosi.crt', 'mkosi.sysupdate']);
    expect(['NSpawnSettings', 'Credentials', 'VirtualMachineMonitor', 'MaxMem', 'Drives'].map((n) => def(n).cli?.long))
      .toEqual(['--settings', '--credential', '--vmm', '--maxmem', '--drive']);
  });
});

describe('[Runtime] defaults (empty config, 27.1)', () => {
  test.each([
    ['NSpawnSettings', null], ['Credentials', []], ['RuntimeNetwork', 'user'], ['VirtualMachineMonitor', 'qemu'],
    ['Console', 'native'], ['CPUs', 1], ['RAM', 2147483648], ['MaxMem', null], ['KVM', 'auto'], ['CXL', false],
    ['VSockCID', -1], ['DiskType', 'virtio-blk'], ['Firmware', 'auto'], ['FirmwareVariables', null], ['Drives', []],
    ['Register', 'auto'], ['StorageTargetMode', 'auto'], ['Machine', 'proj'],
  ])('%s', (name, expected) => {
    expect(defaultOf(def(name))).toEqual(expected);
  });

  test('Machine is null without a --directory, and an empty assignment prints null', () => {
    expect(defaultOf(def('Machine'), defaultContext({}, { directory: null }))).toBeNull();
    expect(def('Machine').emptyIsNull).toBe(true);
  });
});

describe('[Runtime] parsers', () => {
  test('NSpawnSettings, SshCertificate and SysupdateDirectory must exist', () => {
    expect(parse('NSpawnSettings', 'x.nspawn')).toBe(join(dir, 'x.nspawn'));
    for (const name of ['NSpawnSettings', 'SshCertificate', 'SysupdateDirectory']) expect(() => parse(name, 'missing')).toThrow(/does not exist/);
  });

  test('SshKey must exist and be private', () => {
    expect(() => parse('SshKey', 'missing')).toThrow(/does not exist/);
    expect(() => parse('SshKey', 'open.key')).toThrow(/too open/);
  });

  test('RuntimeTrees: sources checked later, targets relative or absolute', () => {
    expect(parse('RuntimeTrees', 'missing:x,.:/abs,.:')).toEqual([
      { Source: join(dir, 'missing'), Target: 'x' }, { Source: dir, Target: '/abs' }, { Source: dir, Target: '.' },
    ]);
  });

  test('sizes are rounded up to 4 KiB', () => {
    expect([parse('RAM', '1.5G'), parse('RuntimeSize', '1G'), parse('MaxMem', '1')]).toEqual([1610612736, 1073741824, 4096]);
    expect(parse('RAM', '1G', '')).toBe(2147483648);
  });

  test('plain enums name their value set and refuse booleans', () => {
    expect(() => parse('RuntimeNetwork', 'yes')).toThrow("'yes' is not a valid Network");
    expect(() => parse('VirtualMachineMonitor', 'bogus')).toThrow("'bogus' is not a valid Vmm");
    expect(() => parse('Console', 'bogus')).toThrow("'bogus' is not a valid ConsoleMode");
    expect(() => parse('DiskType', 'bogus')).toThrow("'bogus' is not a valid QemuDiskType");
    expect(() => parse('Firmware', 'yes')).toThrow("'yes' is not a valid Firmware");
  });

  test('CPUs: any integer, else "not a valid number"', () => {
    expect([parse('CPUs', '0'), parse('CPUs', '-3'), parse('CPUs', ' 3'), parse('CPUs', '4', '')]).toEqual([0, -3, 3, 1]);
    expect(() => parse('CPUs', 'x')).toThrow("'x' is not a valid number");
  });

  test('FirmwareVariables: a path that need not exist, or a special value', () => {
    expect(['custom', 'microsoft', 'microsoft-mok'].map((v) => parse('FirmwareVariables', v))).toEqual(['custom', 'microsoft', 'microsoft-mok']);
    expect(parse('FirmwareVariables', 'vars.fd')).toBe(join(dir, 'vars.fd'));
  });

  test('Linux and Machine are kept verbatim', () => {
    expect(parse('Linux', '&b/vmlinuz')).toBe('&b/vmlinuz');
    expect(parse('Linux', '~/x')).toBe('~/x');
    expect(parse('Machine', 'my/machine')).toBe('my/machine');
  });

  test('KernelCommandLineExtra splits on spaces and newlines only; QemuArgs like a shell', () => {
    expect(parse('KernelCommandLineExtra', 'a=1,2 b\nc')).toEqual(['a=1,2', 'b', 'c']);
    expect(parse('QemuArgs', '-device "a b" -x', 'y')).toEqual(['-device', 'a b', '-x', 'y']);
  });

  test('features', () => {
    expect(['KVM', 'VSock', 'TPM', 'Register', 'StorageTargetMode'].map((n) => parse(n, 'yes'))).toEqual(Array(5).fill('enabled'));
  });
});
