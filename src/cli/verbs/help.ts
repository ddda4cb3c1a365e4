import { MKB_MKOSI_COMPAT_VERSION } from '../../config/compat-version.js';
import { MKB_VERSION } from '../../version.js';
import { EXIT_CODES } from '../exit-codes.js';
import { allOptionSpecs } from '../options/all-options.js';
import type { OptionSpec } from '../options/option-spec.js';
import type { VerbContext } from '../verb-context.js';
import { VERBS } from '../verbs.js';

const WIDTH = 100;
const COLUMN = 28;

function wrap(text: string, indent: number, first: number): string[] {
  const lines: string[] = [];
  let current = '';
  let limit = WIDTH - first;
  for (const word of text.split(/\s+/)) {
    if (current !== '' && current.length + 1 + word.length > limit) {
      lines.push(current);
      current = word;
      limit = WIDTH - indent;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

function row(left: string, text: string): string {
  const pad = ' '.repeat(COLUMN);
  if (left.length + 4 > COLUMN) return [`  ${left}`, ...wrap(text, COLUMN, COLUMN).map((l) => pad + l)].join('\n');
  const [first = '', ...rest] = wrap(text, COLUMN, COLUMN);
  return [`  ${left.padEnd(COLUMN - 2)}${first}`, ...rest.map((l) => pad + l)].join('\n');
}

/** `-p, --package PACKAGE`, `--checksum [BOOL]`, `-T`. */
export function optionUsage(spec: OptionSpec): string {
  const names = [spec.short, spec.long].filter((f) => f !== undefined).join(', ');
  const metavar = spec.choices && spec.metavar === undefined ? `{${spec.choices.join(',')}}` : spec.metavar ?? 'VALUE';
  if (spec.value === 'required') return `${names} ${metavar}`;
  if (spec.value === 'optional') return `${names} [${metavar}]`;
  return names;
}

/** The help text: usage lines per verb (as `mkosi --help`), the verbs, then every option grouped by section. */
export function helpText(): string {
  const usage = VERBS.filter((v) => v.mkbOnly !== true)
    .map((v) => `  mkb [options…] ${v.argsUsage ? `${v.name.padEnd(13)} ${v.argsUsage}` : v.name}`);
  const out = [
    'usage:', ...usage, '  mkb -h | --help', '  mkb --version', '',
    `Build Bespoke OS Images: mkb ${MKB_VERSION} reads mkosi configuration as mkosi ${MKB_MKOSI_COMPAT_VERSION} does.`,
    'Options are accepted before and after the verb; arguments for the verb follow `--`.', '',
    'verbs:',
    ...VERBS.map((v) => row([v.name, ...(v.aliases ?? [])].join(', '), `${v.description}${v.available ? '' : ' (not available yet)'}`)),
  ];
  let group = '';
  for (const spec of allOptionSpecs()) {
    if (spec.hidden === true) continue;
    if (spec.group !== group) {
      group = spec.group;
      out.push('', `${group}:`);
    }
    out.push(row(optionUsage(spec), spec.help));
  }
  return `${out.join('\n')}\n`;
}

export async function helpVerb(ctx: VerbContext): Promise<number> {
  ctx.io.out(helpText());
  return EXIT_CODES.ok;
}
