import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import type { ParseContext } from './parse-context.js';
import { storageKey } from './parse-context.js';

/** Verbs that never read the history (mkosi-reference §1.11). */
const NO_HISTORY_VERBS = new Set(['build', 'clean', 'box', 'sandbox', 'latest-snapshot']);

export function historyPath(directory: string): string {
  return join(directory, '.mkosi-private', 'history', 'latest.json');
}

/** Whether a verb loads the last build's command line: verbs that do not rebuild, without `-f`. */
export function usesHistory(verb: string, force: number): boolean {
  return force === 0 && !NO_HISTORY_VERBS.has(verb);
}

/**
 * Lays `.mkosi-private/history/latest.json` (the command-line settings of the last build) over the
 * command-line namespace: [Include] and [Runtime] settings are skipped, and a differing command-line value
 * is ignored with a warning, as the image was built without it.
 */
export async function applyHistory(ctx: ParseContext, directory: string, optionOf: (def: SettingDef) => string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(historyPath(directory), 'utf8');
  } catch {
    return;
  }
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    ctx.sink.warn({ message: `ignoring ${historyPath(directory)}: not valid JSON`, hint: 'run a build with -f to write it again' });
    return;
  }
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) return;
  const values = saved as Record<string, unknown>;
  // Loaded only when a history exists: summary and build otherwise start without zod.
  const { z } = await import('zod');
  for (const def of SETTINGS as readonly SettingDef[]) {
    if (def.section === 'Include' || def.section === 'Runtime' || def.jsonKey === null) continue;
    const jsonKey = def.jsonKey ?? def.name;
    if (!Object.hasOwn(values, jsonKey)) continue;
    const parsed = def.kind.schema(z).safeParse(values[jsonKey]);
    if (!parsed.success) continue;
    const key = storageKey(def);
    if ((ctx.cli.has(key) || ctx.cliDefaults.has(key)) && JSON.stringify(ctx.get(key)) !== JSON.stringify(parsed.data)) {
      ctx.sink.warn({
        message: `Ignoring ${optionOf(def)} from the CLI. Run with -f to rebuild the image with this setting`,
        setting: def.name, hint: `the last build's settings are kept in ${historyPath(directory)}`,
      });
    }
    ctx.clear(key);
    ctx.seed(key, parsed.data, 'cli');
  }
}
