import { describe, expect, test } from 'vitest';
import { parseArgv } from '../../src/cli/parse-argv.js';
import { GLOBAL_OPTIONS } from '../../src/cli/options/global-options.js';
import type { OptionSpec } from '../../src/cli/options/option-spec.js';
import { settingOptions, settingOptionSpecs } from '../../src/cli/options/setting-options.js';
import { SETTINGS } from '../../src/config/settings/index.js';
import { setting } from '../../src/config/settings/define.js';
import type { SettingDef } from '../../src/config/settings/types.js';
import { bool, enumOf, feature } from '../../src/config/values/scalars.js';
import { list } from '../../src/config/values/lists.js';

// A small table in the shape of mkosi's, so these tests do not depend on which sections have landed.
const FAKE: readonly SettingDef[] = [
  setting({ name: 'Packages', section: 'Content', scope: 'local', kind: list(), help: 'Add an additional package to the OS image', cli: { long: '--package', short: '-p', metavar: 'PACKAGE' } }),
  setting({ name: 'WithDocs', section: 'Content', scope: 'local', kind: bool(), help: 'Install documentation', cli: { long: '--with-docs' } }),
  setting({ name: 'Autologin', section: 'Content', scope: 'local', kind: bool(), help: 'Enable root autologin', cli: { long: '--autologin', short: '-a' } }),
  setting({ name: 'Checksum', section: 'Validation', scope: 'local', kind: bool(), help: 'Write SHA256SUMS file', cli: { long: '--checksum' } }),
  setting({ name: 'Incremental', section: 'Build', scope: 'universal', kind: enumOf(['yes', 'no', 'strict'], { yes: 'yes', no: 'no', empty: 'no' }), help: 'Make use of and generate intermediary cache images', cli: { long: '--incremental', short: '-i' } }),
  setting({ name: 'WithTests', section: 'Build', scope: 'universal', kind: bool(), help: 'Do not run tests as part of build scripts, if supported', cli: { long: '--with-tests', short: '-T' } }),
  setting({ name: 'KVM', section: 'Runtime', scope: 'local', kind: feature(), help: 'Configure whether to use KVM or not', cli: { long: '--kvm' } }),
  setting({ name: 'ImageVersion', section: 'Output', scope: 'local', kind: list(), help: 'Set version for image' }),
];
const SPECS: readonly OptionSpec[] = [...GLOBAL_OPTIONS, ...FAKE.flatMap(settingOptions)];

function parse(...argv: string[]) {
  const result = parseArgv(argv, { cwd: '/t', specs: SPECS });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
const assigned = (...argv: string[]): string[] => parse(...argv).cli.map((a) => `${a.setting}=${a.raw}`);
function usage(...argv: string[]): string {
  const result = parseArgv(argv, { cwd: '/t', specs: SPECS });
  if (result.ok) throw new Error(`expected an error for ${argv.join(' ')}`);
  return result.error.message;
}

describe('boolean options need a value, except the documented flags', () => {
  test('--with-docs=no and --with-docs no both assign no', () => {
    expect(assigned('--with-docs=no', 'summary', '--with-docs', 'yes')).toEqual(['WithDocs=no', 'WithDocs=yes']);
  });

  test('--with-docs followed by the verb takes the verb as its value (the loader then rejects it)', () => {
    const p = parse('--with-docs', 'summary');
    expect(p.verb).toBe('build');
    expect(p.cli).toEqual([{ setting: 'WithDocs', raw: 'summary', option: '--with-docs' }]);
  });

  test('--with-docs as the last word is a usage error', () => {
    expect(usage('summary', '--with-docs')).toContain('--with-docs');
  });

  test('-i, -a and -T stand for a value and take none', () => {
    expect(assigned('-i', '-a', '-T', 'summary')).toEqual(['Incremental=yes', 'Autologin=yes', 'WithTests=no']);
    expect(parse('-i', 'summary').verb).toBe('summary');
  });

  test('flags combine with each other and with -f', () => {
    const p = parse('-fTi', 'summary', '-ff');
    expect(p.force).toBe(3);
    expect(p.cli.map((a) => `${a.setting}=${a.raw}`)).toEqual(['WithTests=no', 'Incremental=yes']);
  });

  test('a value given to a flag is refused, as argparse does', () => {
    expect(usage('-a=no', 'summary')).toBe("argument -a: ignored explicit argument 'no'");
    expect(usage('summary', '--json=yes')).toBe("argument --json: ignored explicit argument 'yes'");
    expect(parse('summary', '--', '--json=yes').args).toEqual(['--json=yes']);
  });

  test('--checksum alone means yes; a following word is its value', () => {
    expect(assigned('--checksum', '--json', 'summary')).toEqual(['Checksum=yes']);
    expect(assigned('summary', '--checksum')).toEqual(['Checksum=yes']);
    expect(assigned('summary', '--checksum=no')).toEqual(['Checksum=no']);
    expect(assigned('--checksum', 'summary')).toEqual(['Checksum=summary']);
  });

  test('the long forms of flag settings still take values', () => {
    expect(assigned('--incremental=strict', '--autologin', 'no', '--with-tests=yes')).toEqual(['Incremental=strict', 'Autologin=no', 'WithTests=yes']);
  });

  test('short options with values: attached, separate and with =', () => {
    expect(assigned('-pvim', '-p=emacs', '-p', 'nano,ed', 'summary', '-Tp', 'x')).toEqual([
      'Packages=vim', 'Packages=emacs', 'Packages=nano,ed', 'WithTests=no', 'Packages=x',
    ]);
  });

  test('empty values are passed on (they reset, in the loader)', () => {
    expect(assigned('--package=a', '--package=', '--package', '', '--kvm=')).toEqual(['Packages=a', 'Packages=', 'Packages=', 'KVM=']);
  });

  test('a value that looks like an option is taken after =', () => {
    expect(assigned('--package=-x')).toEqual(['Packages=-x']);
  });

  test('settings without cli flags have no option', () => {
    expect(usage('--image-version=1')).toContain("unknown option '--image-version=1'");
  });
});

describe('option specs derived from a setting', () => {
  test('a flag setting gets its long option plus a separate value-less short flag', () => {
    const [long, short] = settingOptions(FAKE[2] as SettingDef);
    expect(long).toMatchObject({ long: '--autologin', value: 'required', metavar: 'BOOL' });
    expect(long?.short).toBeUndefined();
    expect(short).toMatchObject({ short: '-a', value: 'none', constValue: 'yes' });
  });

  test('help, choices and section come from the table', () => {
    const [kvm] = settingOptions(FAKE[6] as SettingDef);
    expect(kvm).toMatchObject({ help: 'Configure whether to use KVM or not', group: 'Runtime configuration options', metavar: 'FEATURE', choices: ['auto', 'yes', 'no'] });
  });
});

describe('the real settings table', () => {
  test('every setting with a cli entry has an option, and no two options share a flag', () => {
    const specs = [...GLOBAL_OPTIONS, ...settingOptionSpecs()];
    const flags = specs.flatMap((s) => [s.short, s.long]).filter((f) => f !== undefined);
    expect(new Set(flags).size).toBe(flags.length);
    for (const def of SETTINGS as readonly SettingDef[]) {
      if (def.cli) expect(flags, def.name).toContain(def.cli.long);
    }
  });

  test('every option of the table parses with a value', () => {
    for (const spec of settingOptionSpecs()) {
      if (spec.long === undefined || spec.target.kind !== 'setting') continue;
      const result = parseArgv([`${spec.long}=x`, 'summary'], { cwd: '/t' });
      expect(result.ok, spec.long).toBe(true);
      if (result.ok) expect(result.value.cli).toEqual([{ setting: spec.target.setting, raw: 'x', option: spec.long }]);
    }
  });
});
