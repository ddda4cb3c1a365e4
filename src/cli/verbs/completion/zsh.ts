import type { OptionSpec } from '../../options/option-spec.js';
import type { CompletionModel } from './model.js';
import { shQuote } from './model.js';

function describe(text: string): string {
  return text.replace(/[[\]:\\]/g, (c) => `\\${c}`);
}

function action(o: OptionSpec): string {
  if (o.choices) return `(${o.choices.filter((c) => c !== '').join(' ')})`;
  if (o.complete === 'files') return '_files';
  if (o.complete === 'dirs') return '_files -/';
  return ' ';
}

function specs(o: OptionSpec): string[] {
  const help = describe(o.help);
  const repeat = o.target.kind === 'setting' || o.short === '-f' ? '*' : '';
  const value = o.value === 'none' ? '' : `:${describe(o.metavar ?? 'value')}:${action(o)}`;
  const out: string[] = [];
  if (o.short) out.push(`${repeat}${o.short}${o.value === 'required' ? '+' : ''}[${help}]${value}`);
  if (o.long) out.push(`${repeat}${o.long}${o.value === 'required' ? '=' : o.value === 'optional' ? '=-' : ''}[${help}]${o.value === 'optional' ? `::${describe(o.metavar ?? 'value')}:${action(o)}` : value}`);
  return out;
}

/** A zsh completion script (`_arguments`), generated from the option table and the verb list. */
export function zshCompletion(model: CompletionModel): string {
  const lines = model.options.flatMap(specs).map((s) => `        ${shQuote(s)} \\`);
  return `#compdef ${model.program}
# ${model.program} completion for zsh, generated from mkb's settings table: ${model.program} completion zsh > ~/.zfunc/_${model.program}

_${model.program}() {
    _arguments -s \\
${lines.join('\n')}
        ${shQuote(`1:verb:(${model.verbs.join(' ')})`)} \\
        '*::argument:_files'
}

_${model.program} "$@"
`;
}
