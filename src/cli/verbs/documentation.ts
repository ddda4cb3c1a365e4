import { EXIT_CODES } from '../exit-codes.js';
import { VerbFailed } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';
import { documentationMan, documentationMarkdown } from './documentation-text.js';

const MANUALS = new Set(['mkb', 'mkosi']);

/** `documentation [manual]`: mkb's own reference, generated from the settings table (`--doc-format=man` for roff). */
export async function documentationVerb(ctx: VerbContext): Promise<number> {
  const manual = ctx.parsed.args[0] ?? 'mkb';
  if (!MANUALS.has(manual) || ctx.parsed.args.length > 1) {
    throw new VerbFailed(`No documentation for '${ctx.parsed.args.join(' ')}' in mkb`, 'mkb has one manual: run `mkb documentation` (mkosi-initrd, mkosi-sandbox and the news are mkosi\'s)');
  }
  ctx.io.out(ctx.parsed.docFormat === 'man' ? documentationMan() : `${documentationMarkdown()}\n`);
  return EXIT_CODES.ok;
}
