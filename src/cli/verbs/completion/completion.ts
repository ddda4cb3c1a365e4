import { EXIT_CODES } from '../../exit-codes.js';
import { VerbFailed } from '../../report-error.js';
import type { VerbContext } from '../../verb-context.js';
import { bashCompletion } from './bash.js';
import { fishCompletion } from './fish.js';
import { completionModel } from './model.js';
import type { CompletionModel } from './model.js';
import { zshCompletion } from './zsh.js';

export const COMPLETION_SHELLS: Readonly<Record<string, (model: CompletionModel) => string>> = {
  bash: bashCompletion, fish: fishCompletion, zsh: zshCompletion,
};

/** `completion bash|zsh|fish`: a completion script generated from the settings table and the verb list. */
export async function completionVerb(ctx: VerbContext): Promise<number> {
  const shell = ctx.parsed.args[0];
  const hint = `Please specify either one of: ${Object.keys(COMPLETION_SHELLS).join(', ')}`;
  if (shell === undefined) throw new VerbFailed('No shell to generate completion script for specified', hint);
  const generate = COMPLETION_SHELLS[shell];
  if (generate === undefined) throw new VerbFailed(`'${shell}' is not supported for completion scripts.`, hint);
  ctx.io.out(generate(completionModel()));
  return EXIT_CODES.ok;
}
