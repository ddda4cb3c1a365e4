import { MKB_MKOSI_COMPAT_VERSION } from '../../config/compat-version.js';
import { SETTINGS } from '../../config/settings/index.js';
import type { SettingDef } from '../../config/settings/types.js';
import { MKB_VERSION } from '../../version.js';
import { GLOBAL_OPTIONS } from '../options/global-options.js';
import { settingOptions } from '../options/setting-options.js';
import { VERBS } from '../verbs.js';
import { optionUsage } from './help.js';

/** One documented fact of a setting, e.g. ['Default', '`[]`']. */
type Fact = readonly [string, string];

const code = (s: string): string => `\`${s}\``;

function defaultOf(def: SettingDef): string {
  const rule = def.default;
  if (rule === undefined) return code(JSON.stringify(def.kind.empty));
  if ('value' in rule) return code(JSON.stringify(rule.value));
  return rule.dependsOn.length === 0 ? 'computed from the host and the invocation' : `computed from ${rule.dependsOn.map((d) => code(`${d}=`)).join(', ')}`;
}

/** Everything the table knows about one setting, as label/value pairs. */
export function settingFacts(def: SettingDef): Fact[] {
  const facts: Fact[] = [];
  const options = settingOptions(def);
  facts.push(['Command line', options.length === 0 ? 'not settable on the command line' : options.map((o) => code(optionUsage(o))).join(', ')]);
  facts.push(['Scope', def.scope]);
  const choices = def.kind.choices?.filter((c) => c !== '');
  if (choices && def.kind.expects.startsWith('one of')) facts.push(['Accepts', `one of ${choices.map(code).join(', ')}`]);
  else facts.push(['Accepts', choices ? `${def.kind.expects} (${choices.map(code).join(', ')})` : def.kind.expects]);
  facts.push(['Default', defaultOf(def)]);
  if (def.paths?.length) facts.push(['Default paths', def.paths.map((p) => code(p.path)).join(', ')]);
  if (def.kind.collection) facts.push(['Merging', 'items accumulate across files and the command line; an empty assignment resets']);
  if (def.match) facts.push(['Matchable', `yes (${def.match})`]);
  if (def.specifier) facts.push(['Specifier', code(`%${def.specifier}`)]);
  if (def.secret) facts.push(['Secret', 'yes: files must not be world-readable, values are not printed']);
  if (def.compatNames?.length) facts.push(['Deprecated names', def.compatNames.map((n) => code(`${n}=`)).join(', ')]);
  if (def.jsonKey === null) facts.push(['In summary --json', 'no']);
  else if (def.jsonKey !== undefined) facts.push(['In summary --json', `as ${code(def.jsonKey)}`]);
  return facts;
}

function sections(): Map<string, SettingDef[]> {
  const groups = new Map<string, SettingDef[]>();
  for (const def of SETTINGS as readonly SettingDef[]) {
    const list = groups.get(def.section) ?? [];
    list.push(def);
    groups.set(def.section, list);
  }
  return groups;
}

/** mkb's reference manual in markdown: verbs, global options, and every setting of the table by section. */
export function documentationMarkdown(): string {
  const out = [
    '% mkb(1)', '',
    '# NAME', '', `mkb ${MKB_VERSION}: builds OS images from mkosi ${MKB_MKOSI_COMPAT_VERSION} configuration trees`, '',
    '# SYNOPSIS', '', '`mkb [options…] [verb] [options…] [-- args…]`', '',
    'Options are accepted before and after the verb. Long options are never abbreviated. Options of settings',
    'always take a value (`--with-docs=yes`), except `-i`, `-a`, `-T` and `--checksum` (alone: `yes`). An empty',
    'value (`--package=`) resets the setting, dropping what the configuration files assigned.', '',
    '# VERBS', '',
  ];
  for (const verb of VERBS) {
    const names = [verb.name, ...(verb.aliases ?? [])].map(code).join(', ');
    out.push(`${names}${verb.argsUsage ? ` ${code(verb.argsUsage)}` : ''}`, `:   ${verb.description}${verb.available ? '' : ' (not available yet in this version of mkb)'}`, '');
  }
  out.push('# OPTIONS', '');
  for (const spec of GLOBAL_OPTIONS) {
    if (spec.hidden === true) continue;
    out.push(code(optionUsage(spec)), `:   ${spec.help}`, '');
  }
  out.push('Ignored for compatibility: `--nspawn-keep-unit`, `--default`, `--cache`, `--runtime-scratch`.', '');
  out.push('# SETTINGS', '');
  for (const [section, defs] of sections()) {
    out.push(`## [${section}] section`, '');
    for (const def of defs) {
      out.push(`### ${code(`${def.name}=`)}`, '', def.help.endsWith('.') ? def.help : `${def.help}.`, '');
      for (const [label, value] of settingFacts(def)) out.push(`- ${label}: ${value}`);
      out.push('');
    }
  }
  return `${out.join('\n')}`;
}

function roffEscape(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1').replace(/`/g, '');
}

/** The same reference as a man page (roff), for `--doc-format=man`. */
export function documentationMan(): string {
  const out = ['.TH MKB 1', `.SH NAME`, `mkb \\- builds OS images from mkosi ${MKB_MKOSI_COMPAT_VERSION} configuration trees`, '.SH SYNOPSIS', 'mkb [options…] [verb] [options…] [\\-\\- args…]', '.SH VERBS'];
  for (const verb of VERBS) out.push('.TP', `.B ${verb.name}${verb.argsUsage ? ` ${roffEscape(verb.argsUsage)}` : ''}`, roffEscape(verb.description));
  out.push('.SH OPTIONS');
  for (const spec of GLOBAL_OPTIONS) if (spec.hidden !== true) out.push('.TP', `.B ${roffEscape(optionUsage(spec))}`, roffEscape(spec.help));
  for (const [section, defs] of sections()) {
    out.push(`.SH [${section.toUpperCase()}] SECTION`);
    for (const def of defs) {
      out.push('.TP', `.B ${def.name}=`, roffEscape(def.help));
      for (const [label, value] of settingFacts(def)) out.push('.br', roffEscape(`${label}: ${value}`));
    }
  }
  return `${out.join('\n')}\n`;
}
