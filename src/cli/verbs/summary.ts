import { renderSummaryJson } from '../../config/load/summary-json.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { VerbContext } from '../verb-context.js';
import { loadForVerb } from './load.js';
import { renderSummaryText } from './summary-text.js';

/** `summary`: the finalized config of every image, as mkosi 27.1's JSON (`--json`) or grouped by section. */
export async function summaryVerb(ctx: VerbContext): Promise<number> {
  const loaded = await loadForVerb(ctx);
  // mkosi prints the JSON document without a trailing newline.
  ctx.io.out(ctx.parsed.json ? renderSummaryJson(loaded) : renderSummaryText(loaded));
  return EXIT_CODES.ok;
}
