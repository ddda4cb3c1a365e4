import type { OptionSpec } from '../../options/option-spec.js';
import type { CompletionModel } from './model.js';
import { shQuote } from './model.js';

function line(program: string, o: OptionSpec): string {
  const parts = [`complete -c ${program}`];
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  if (o.long) parts.push(`-l ${o.long.slice(2)}`);
  if (o.value === 'required') parts.push('-r');
  if (o.choices) parts.push('-f', `-a ${shQuote(o.choices.filter((c) => c !== '').join(' '))}`);
  else if (o.complete === 'files') parts.push('-F');
  else if (o.complete === 'dirs') parts.push(`-a '(__fish_complete_directories)'`);
  else if (o.value !== 'none') parts.push('-f');
  parts.push(`-d ${shQuote(o.help)}`);
  return parts.join(' ');
}

/** A fish completion script, generated from the option table and the verb list. */
export function fishCompletion(model: CompletionModel): string {
  return `# ${model.program} completion for fish, generated from mkb's settings table: ${model.program} completion fish | source
complete -c ${model.program} -n '__fish_use_subcommand' -f -a ${shQuote(model.verbs.join(' '))}
${model.options.map((o) => line(model.program, o)).join('\n')}
`;
}
