import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { EXIT_CODES } from '../exit-codes.js';
import type { VerbContext } from '../verb-context.js';
import { loadForVerb } from './load.js';

/** `cat-config`: every configuration file that was parsed, per image, in parse order. */
export async function catConfigVerb(ctx: VerbContext): Promise<number> {
  const loaded = await loadForVerb(ctx);
  const blocks: string[] = [];
  for (const image of loaded.images) {
    const files = Array.isArray(image['Files']) ? (image['Files'] as unknown[]).filter((f): f is string => typeof f === 'string') : [];
    let block = `### IMAGE: ${String(image['Image'])}\n`;
    for (const file of files) {
      const shown = relative(ctx.io.cwd, file);
      const text = await readFile(file, 'utf8');
      block += `# ${shown.startsWith('..') || isAbsolute(shown) ? file : shown}\n${text.endsWith('\n') ? text : `${text}\n`}\n`;
    }
    blocks.push(block);
  }
  // As mkosi: each file followed by a blank line, and one more blank line between images.
  ctx.io.out(blocks.join('\n'));
  return EXIT_CODES.ok;
}
