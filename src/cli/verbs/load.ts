import { loadConfig } from '../../config/load/load-config.js';
import type { LoadedConfig, LoadOptions } from '../../config/load/types.js';
import { buildLoadOptions } from '../load-options.js';
import { renderWarnings } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';

/** Loads the configuration the command line selects and prints its warnings (mkosi prints them as it parses). */
export async function loadForVerb(ctx: VerbContext, overrides: Partial<Pick<LoadOptions, 'cli' | 'directory' | 'verb'>> = {}): Promise<LoadedConfig> {
  const loaded = await loadConfig(buildLoadOptions(ctx.parsed, ctx.io, overrides));
  if (loaded.warnings.length > 0) ctx.io.err(renderWarnings(loaded.warnings));
  return loaded;
}
