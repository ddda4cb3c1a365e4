import { SETTINGS } from '../../config/settings/index.js';
import type { SettingDef } from '../../config/settings/types.js';
import type { OptionSpec } from './option-spec.js';

/**
 * mkosi's documented exceptions to "a setting's option always takes a value": these short flags stand
 * for a fixed value (`-i` is `--incremental=yes`, `-T` is `--with-tests=no`) and take none.
 */
const VALUELESS_SHORTS: Readonly<Record<string, { readonly short: string; readonly value: string }>> = {
  Incremental: { short: '-i', value: 'yes' },
  Autologin: { short: '-a', value: 'yes' },
  WithTests: { short: '-T', value: 'no' },
};

/** Settings whose long option may be given without a value (`--checksum` alone means yes). */
const OPTIONAL_VALUES: Readonly<Record<string, string>> = { Checksum: 'yes' };

function metavarOf(def: SettingDef): string | undefined {
  if (def.cli?.metavar !== undefined) return def.cli.metavar;
  if (def.kind.choices !== undefined && def.kind.expects.startsWith('one of')) return undefined;
  switch (def.kind.expects) {
    case 'a boolean': return 'BOOL';
    case 'auto, enabled, disabled or a boolean': return 'FEATURE';
    case 'a path': case 'a path or URI': return 'PATH';
    case 'a size': return 'SIZE';
    case 'an integer': return 'NUMBER';
    case 'KEY=VALUE pairs': return 'KEY=VALUE';
    default: return def.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  }
}

function completionOf(def: SettingDef, metavar: string | undefined): OptionSpec['complete'] {
  if (metavar === 'DIR') return 'dirs';
  if (metavar === 'PATH' || /path/i.test(def.kind.expects)) return 'files';
  return undefined;
}

/** The option specs of one setting: its long (and short) option, plus a value-less short flag if it has one. */
export function settingOptions(def: SettingDef): OptionSpec[] {
  const cli = def.cli;
  if (cli === undefined) return [];
  const group = `${def.section} configuration options`;
  const target = { kind: 'setting', setting: def.name } as const;
  const flag = VALUELESS_SHORTS[def.name];
  const optional = OPTIONAL_VALUES[def.name];
  const metavar = metavarOf(def);
  const complete = completionOf(def, metavar);
  const main: OptionSpec = {
    long: cli.long,
    ...(cli.short !== undefined && flag === undefined ? { short: cli.short } : {}),
    value: optional === undefined ? 'required' : 'optional',
    ...(optional === undefined ? {} : { constValue: optional }),
    ...(metavar === undefined ? {} : { metavar }),
    ...(def.kind.choices === undefined ? {} : { choices: def.kind.choices }),
    ...(complete === undefined ? {} : { complete }),
    help: def.help, group, target,
  };
  if (flag === undefined) return [main];
  const what = `${cli.long}=${flag.value}`;
  return [main, { short: flag.short, value: 'none', constValue: flag.value, help: `Same as ${what}`, group, target }];
}

let cached: readonly OptionSpec[] | undefined;

/** Every setting's options, in the settings table's order (which is mkosi's section order). */
export function settingOptionSpecs(): readonly OptionSpec[] {
  cached ??= (SETTINGS as readonly SettingDef[]).flatMap(settingOptions);
  return cached;
}
