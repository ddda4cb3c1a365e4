import { allOptionSpecs } from '../../options/all-options.js';
import type { OptionSpec } from '../../options/option-spec.js';
import { verbNames } from '../../verbs.js';

/** What every completion script is generated from: the option table and the verb list. */
export interface CompletionModel {
  readonly program: string;
  readonly options: readonly OptionSpec[];
  readonly verbs: readonly string[];
}

export function completionModel(): CompletionModel {
  return { program: 'mkb', options: allOptionSpecs().filter((o) => o.hidden !== true), verbs: verbNames() };
}

/** Single-quotes a word for sh-like shells. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
